namespace PoisonCert.Data;

/// <summary>How features are scaled; the parameters are always fitted on the training set only.</summary>
public enum ScalingMethod
{
    /// <summary>x' = x (offset 0, scale 1).</summary>
    None,

    /// <summary>x' = (x − mean) / standard deviation (population, divisor n); a constant feature gets scale 1.</summary>
    Standardize,

    /// <summary>x' = (x − min) / (max − min), so the training set lies in [0, 1]; a constant feature gets scale 1.</summary>
    MinMax,
}
