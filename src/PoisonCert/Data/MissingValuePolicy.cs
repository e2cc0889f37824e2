namespace PoisonCert.Data;

/// <summary>What a loader does with a missing value (an empty cell, <c>NA</c>, <c>?</c>, or a JSON null).</summary>
public enum MissingValuePolicy
{
    /// <summary>Throw a <see cref="DataFormatException"/> naming the first missing cell.</summary>
    Reject,

    /// <summary>Leave out every row that has a missing value in a used column.</summary>
    DropRow,
}
