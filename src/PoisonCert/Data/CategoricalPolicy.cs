namespace PoisonCert.Data;

/// <summary>What a loader does with a feature column whose values are not numbers.</summary>
public enum CategoricalPolicy
{
    /// <summary>Throw a <see cref="DataFormatException"/> naming the first non-numeric cell.</summary>
    Reject,

    /// <summary>
    /// Replace the column by one 0/1 column per distinct value (sorted ordinally), named <c>column=value</c>.
    /// </summary>
    OneHot,
}
