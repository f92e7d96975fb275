using System.Text;
using System.Text.RegularExpressions;
using Trading.Timescale.Cli;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Documentation;

/// <summary>
/// Every trading-timescale command line in a bash or cron block of README.md and docs/*.md parses with the tool's own
/// command tree: the command exists, and so does every option, with the values it needs. Placeholders such as FILE
/// stay arguments; square brackets mark optional parts in a listing and are dropped. A synopsis with alternatives
/// (<c>rsi|bollinger</c>) belongs in a plain code block.
/// </summary>
public sealed partial class CliExampleTests
{
    public static TheoryData<string> Pages => [.. DocumentationPages.All];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_documented_command_line_parses(string page)
    {
        var failures = new List<string>();
        foreach (var line in CommandLines(page))
        {
            var result = CliApp.CreateRootCommand().Parse(line.Arguments);
            if (result.Errors.Count > 0)
            {
                failures.Add($"{page}: trading-timescale {string.Join(' ', line.Arguments)}\n  {string.Join("; ", result.Errors.Select(e => e.Message))}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void The_check_sees_the_command_lines_and_refuses_a_wrong_one()
    {
        var all = DocumentationPages.All.SelectMany(p => CommandLines(p)).ToList();
        Assert.True(all.Count >= 30, $"only {all.Count} trading-timescale command lines found in the pages");
        Assert.Contains(all, l => l.Arguments.SequenceEqual(["backup", "full", "--connection-file", "$CONNECTION_FILE"]));
        Assert.NotEmpty(CliApp.CreateRootCommand().Parse(["maintain", "--no-such-option"]).Errors);
    }

    private static IEnumerable<(string Text, string[] Arguments)> CommandLines(string page)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, page)).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (Match block in ShellBlock().Matches(text))
        {
            var joined = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (var line in joined.Split('\n').Select(WithoutComment))
            {
                var at = Invocation().Match(line);
                if (at.Success)
                {
                    yield return (line, [.. Arguments(line[(at.Index + at.Length)..])]);
                }
            }
        }
    }

    // The line up to a # that starts a word outside quotes.
    private static string WithoutComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }

    // Shell words up to the end of the command: a pipe, redirection, separator or comment ends it.
    private static IEnumerable<string> Arguments(string rest)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c is '\'' or '"')
            {
                var end = rest.IndexOf(c, i + 1);
                word.Append(rest, i + 1, (end < 0 ? rest.Length : end) - i - 1);
                i = end < 0 ? rest.Length : end;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                Flush();
            }
            else if (!inWord && (c is '|' or '>' or '<' or ';' or '&' or '#' || (c == '2' && i + 1 < rest.Length && rest[i + 1] == '>')))
            {
                break;
            }
            else if (c is '[' or ']')
            {
                Flush();
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (inWord)
            {
                words.Add(word.ToString());
            }

            word.Clear();
            inWord = false;
        }
    }

    [GeneratedRegex(@"^```(?:bash|cron)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"(?:^|[\s/])trading-timescale""?(?=\s+[a-z])")]
    private static partial Regex Invocation();
}
