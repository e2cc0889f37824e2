namespace PoisonCert.Data;

/// <summary>What a dataset's targets are.</summary>
public enum TargetKind
{
    /// <summary>One class label per row, an integer in [0, ClassCount).</summary>
    Classification,

    /// <summary>One or more real-valued targets per row.</summary>
    Regression,
}
