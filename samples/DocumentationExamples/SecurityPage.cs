using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DocumentationExamples;

/// <summary>The samples of docs/security.md.</summary>
internal static class SecurityPage
{
    public static void VerifiedTls(IHostApplicationBuilder builder)
    {
        builder.Services.AddTradingTimescale(
            "Host=db.example.com;Database=trading_db;Username=app_user;SSL Mode=VerifyFull;Root Certificate=/etc/trading/ca.crt");
    }
}
