using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorkerService;

/// <summary>Writes the health report as JSON: overall status, then each check with its description and data.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.ToDictionary(d => d.Key, d => d.Value?.ToString()),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
