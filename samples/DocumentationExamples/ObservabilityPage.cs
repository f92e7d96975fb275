using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DocumentationExamples;

/// <summary>The samples of docs/observability.md.</summary>
internal static class ObservabilityPage
{
    public static WebApplication HealthCheck(WebApplicationBuilder builder)
    {
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection("TradingTimescale")).ApplySchemaOnStartup();
        builder.Services.AddHealthChecks().AddTradingTimescale(o => o.MaxAggregateLag = TimeSpan.FromMinutes(30));
        var app = builder.Build();
        app.MapHealthChecks("/health");
        return app;
    }

    public static void OpenTelemetry(WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddTradingTimescaleInstrumentation().AddNpgsql().AddOtlpExporter())
            .WithMetrics(m => m.AddTradingTimescaleInstrumentation().AddNpgsqlInstrumentation().AddOtlpExporter());
    }
}
