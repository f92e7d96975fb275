using System.ComponentModel;
using System.Globalization;

namespace Trading.Timescale.Internal;

/// <summary>Lets configuration bind <see cref="TimescaleInterval"/> from strings such as "90 days" or "P3M".</summary>
internal sealed class TimescaleIntervalConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? TimescaleInterval.Parse(text) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is TimescaleInterval interval
            ? interval.ToString()
            : base.ConvertTo(context, culture, value, destinationType);
}
