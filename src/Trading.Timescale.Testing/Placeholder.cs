namespace Trading.Timescale.Testing; internal static class Placeholder { }
