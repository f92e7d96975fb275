using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Tests.Operations;

/// <summary>SASLprep (RFC 4013) as PostgreSQL's pg_saslprep applies it, one rule per case.</summary>
public class SaslPrepTests
{
    [Theory]
    [InlineData("plain ASCII, kept as is", "plain ASCII, kept as is")]
    [InlineData("ascii\u0007control", "ascii\u0007control")] // PostgreSQL passes pure ASCII through unchecked
    [InlineData("no\u00A0break\u2003em\u3000ideographic", "no break em ideographic")] // C.1.2 non-ASCII spaces map to a space
    [InlineData("soft\u00ADhy\u034Fph\u200Den\uFEFF", "softhyphen")] // B.1 maps to nothing
    [InlineData("zero\u200Bwidth", "zero width")] // U+200B is in C.1.2 as well as B.1: the space mapping comes first
    [InlineData("cafe\u0301", "caf\u00E9")] // NFKC composes
    [InlineData("\uFF30\uFF41\uFF53\uFF53\uFF17", "Pass7")] // NFKC folds full-width forms
    [InlineData("\uFB01ne \u2460", "fine 1")] // compatibility ligature and circled digit
    [InlineData("\u05D0\u05D1\u05D2", "\u05D0\u05D1\u05D2")] // right-to-left only: allowed
    [InlineData("\u0627\u0661\u0628", "\u0627\u0661\u0628")] // RandALCat at both ends, a number between
    public void A_preparable_password_is_mapped_and_normalised(string password, string expected)
    {
        Assert.True(SaslPrep.TryPrepare(password, out var prepared));
        Assert.Equal(expected, prepared);
        Assert.Equal(expected, SaslPrep.Prepare(password));
    }

    [Theory]
    [InlineData("control\u0007caf\u00E9")] // C.2.1 ASCII control in a non-ASCII password
    [InlineData("caf\u00E9\u0085")] // C.2.2 non-ASCII control
    [InlineData("private\uE000\u00E9")] // C.3 private use
    [InlineData("caf\u00E9\uFFFF")] // C.4 non-character
    [InlineData("caf\u00E9\uFFFD")] // C.6 replacement character (inappropriate for plain text)
    [InlineData("caf\u00E9\u2FF0")] // C.7 ideographic description
    [InlineData("caf\u00E9\u200E")] // C.8 left-to-right mark
    [InlineData("caf\u00E9\U000E0041")] // C.9 tag character
    [InlineData("emoji\U0001F600")] // A.1: unassigned in Unicode 3.2
    [InlineData("\u05D0bc")] // RandALCat with LCat characters
    [InlineData("\u05D0\u05D11")] // RandALCat first but not last
    [InlineData("\u00AD\u200D")] // empty after mapping
    [InlineData("caf\u00E9\uD800")] // a lone surrogate: not valid UTF-8 for the server either
    public void A_prohibited_password_falls_back_to_the_raw_password(string password)
    {
        Assert.False(SaslPrep.TryPrepare(password, out _));
        Assert.Equal(password, SaslPrep.Prepare(password));
    }

    [Fact]
    public void Equivalent_spellings_give_verifiers_that_match_each_other()
    {
        var composed = ScramSha256.CreateVerifier("caf\u00E9\u00A0\uFF21");

        Assert.True(ScramSha256.Matches(composed, "cafe\u0301 A"));
        Assert.True(ScramSha256.Matches(composed, "caf\u00AD\u00E9\u2002A"));
        Assert.False(ScramSha256.Matches(composed, "cafe A"));
        Assert.False(ScramSha256.Matches(ScramSha256.CreateVerifier("control\u0007caf\u00E9"), "control\u0007cafe\u0301"));
    }
}
