namespace Trading.Timescale.IntegrationTests; internal static class Placeholder { }
