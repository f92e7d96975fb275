using Microsoft.Extensions.Options;

namespace Trading.Timescale.Internal;

/// <summary>
/// The one way options are refused: every broken setting is collected, then one <see cref="OptionsValidationException"/>
/// lists them all, each message naming the setting and its value.
/// </summary>
internal sealed class OptionsFailures<TOptions>
{
    private readonly List<string> _failures = [];

    /// <summary>Adds <paramref name="message"/> unless <paramref name="valid"/>.</summary>
    public OptionsFailures<TOptions> Require(bool valid, string message)
    {
        if (!valid)
        {
            _failures.Add(message);
        }

        return this;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when a check failed.</summary>
    public void ThrowIfAny()
    {
        if (_failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), _failures);
        }
    }
}
