using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of the local S3 server that answers as S3 does for an SSE-KMS bucket: every ETag
/// becomes a value that is no MD5 of the object, every response names the KMS key (<c>x-amz-server-side-encryption:
/// aws:kms</c> and <c>x-amz-server-side-encryption-aws-kms-key-id</c>), and
/// no SHA-256 checksum is reported (the local server keeps none). Optionally one byte of every
/// downloaded object whose key ends with a given suffix is flipped. Requests go through unchanged (the Host header too,
/// so signatures still match).
/// </summary>
public sealed partial class S3RewritingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Expect", "Date", "Server", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
    };

    private const string KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseProxy = false });
    private readonly string _upstream;
    private readonly Task _loop;
    private int _etagsReplaced;
    private int _bodiesFlipped;

    private S3RewritingProxy(string upstream, string? flipObjectsEndingWith)
    {
        _upstream = upstream.TrimEnd('/');
        FlipObjectsEndingWith = flipObjectsEndingWith;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Endpoint = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken meanwhile.
            }
        }

        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's address, to use as the S3 endpoint.</summary>
    public string Endpoint { get; } = string.Empty;

    /// <summary>Objects whose key ends with this get one byte flipped on download; none when <see langword="null"/>.</summary>
    public string? FlipObjectsEndingWith { get; }

    /// <summary>How many ETags (headers and XML elements) were replaced.</summary>
    public int ETagsReplaced => Volatile.Read(ref _etagsReplaced);

    /// <summary>How many downloaded bodies got a byte flipped.</summary>
    public int BodiesFlipped => Volatile.Read(ref _bodiesFlipped);

    public static S3RewritingProxy Start(string upstream, string? flipObjectsEndingWith = null) => new(upstream, flipObjectsEndingWith);

    /// <summary>The ETag an SSE-KMS store would give: the same shape (32 hex digits, and the part count of a multipart object), and no MD5 of the object.</summary>
    public static string NotMd5(string etag)
    {
        var dash = etag.IndexOf('-', StringComparison.Ordinal);
        var suffix = dash >= 0 ? etag[dash..] : string.Empty;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("kms:" + etag)))[..32].ToLowerInvariant() + suffix;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Stopped.
        }

        _client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        var outgoing = context.Response;
        try
        {
            using var body = new MemoryStream();
            await incoming.InputStream.CopyToAsync(body);
            using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), _upstream + incoming.RawUrl);
            if (body.Length > 0 || incoming.HttpMethod is "PUT" or "POST")
            {
                request.Content = new ByteArrayContent(body.ToArray());
            }

            request.Headers.Host = incoming.Headers["Host"];
            foreach (var name in incoming.Headers.AllKeys.OfType<string>().Where(n => !HopHeaders.Contains(n)))
            {
                var value = incoming.Headers[name];
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var content = await response.Content.ReadAsByteArrayAsync();
            outgoing.StatusCode = (int)response.StatusCode;
            outgoing.AddHeader("x-amz-server-side-encryption", "aws:kms");
            outgoing.AddHeader("x-amz-server-side-encryption-aws-kms-key-id", KmsKeyId);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (HopHeaders.Contains(name))
                {
                    continue;
                }

                foreach (var value in values)
                {
                    if (string.Equals(name, "ETag", StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref _etagsReplaced);
                        outgoing.AddHeader(name, "\"" + NotMd5(value.Trim('"')) + "\"");
                    }
                    else
                    {
                        outgoing.AddHeader(name, value);
                    }
                }
            }

            if (content.Length > 0 && response.Content.Headers.ContentType?.MediaType is "application/xml" or "text/xml")
            {
                content = Encoding.UTF8.GetBytes(XmlETag().Replace(Encoding.UTF8.GetString(content), m =>
                {
                    Interlocked.Increment(ref _etagsReplaced);
                    return m.Groups[1].Value + NotMd5(m.Groups[2].Value) + m.Groups[3].Value;
                }));
            }

            if (incoming.HttpMethod == "GET" && response.IsSuccessStatusCode && content.Length > 0 && FlipObjectsEndingWith is { } suffix
                && incoming.Url!.AbsolutePath.EndsWith(suffix, StringComparison.Ordinal))
            {
                content[content.Length / 2] ^= 0x01;
                Interlocked.Increment(ref _bodiesFlipped);
            }

            if (incoming.HttpMethod == "HEAD")
            {
                outgoing.ContentLength64 = response.Content.Headers.ContentLength ?? 0;
            }
            else
            {
                outgoing.ContentLength64 = content.Length;
                await outgoing.OutputStream.WriteAsync(content);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpListenerException or IOException)
        {
            outgoing.StatusCode = 502;
        }
        finally
        {
            try
            {
                outgoing.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or InvalidOperationException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [GeneratedRegex("(<ETag>(?:&quot;|\"))([0-9a-fA-F]{32}(?:-[0-9]+)?)((?:&quot;|\")</ETag>)")]
    private static partial Regex XmlETag();
}
