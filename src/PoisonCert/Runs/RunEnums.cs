namespace PoisonCert.Runs;

/// <summary>The floating-point type the certified training computes in.</summary>
public enum NumericPrecision
{
    Float32,
    Float64,
}

/// <summary>The abstract domain the bounds are propagated in.</summary>
public enum DomainKind
{
    /// <summary>Interval arithmetic with midpoint-radius matrix products (fast, slightly wider).</summary>
    Interval,

    /// <summary>Interval arithmetic with exact sign-case matrix products (tightest intervals, slower).</summary>
    IntervalExact,

    /// <summary>Affine forms (zonotopes) for the forward and backward passes, intersected with midpoint-radius interval bounds.</summary>
    Affine,

    /// <summary>Affine forms intersected with exact sign-case interval bounds: the tightest domain, and the slowest.</summary>
    AffineExact,

    /// <summary>CROWN-style linear bounds for the forward pass (parameters and inputs perturbed), intersected with midpoint-radius interval bounds.</summary>
    Crown,
}

/// <summary>The training loss.</summary>
public enum LossKind
{
    /// <summary>Mean squared error (regression).</summary>
    MeanSquaredError,

    /// <summary>Logistic loss on one output (two classes).</summary>
    BinaryCrossEntropy,

    /// <summary>Softmax cross-entropy (two or more classes).</summary>
    CrossEntropy,
}

public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}

public enum ClipKind
{
    /// <summary>Each gradient coordinate clamped to [−bound, bound].</summary>
    Clamp,

    /// <summary>Each per-sample gradient scaled to ℓ2 norm at most bound.</summary>
    Norm,
}

/// <summary>What happens to the rows of an epoch that do not fill a whole batch.</summary>
public enum LastBatchPolicy
{
    /// <summary>They are left out of that epoch (the run reports how many).</summary>
    Drop,

    /// <summary>The run is refused unless the training rows divide into whole batches.</summary>
    Error,
}

/// <summary>Which labels an attacker may give a point whose label is flipped.</summary>
public enum LabelFlipKind
{
    /// <summary>Any other class.</summary>
    Any,

    /// <summary>Only the target class.</summary>
    Target,
}

/// <summary>Whether feature and label poisoning hit the same points (paired) or may hit different ones (unpaired).</summary>
public enum PairingKind
{
    Unpaired,
    Paired,
}

/// <summary>The file format of a dataset given by file.</summary>
public enum DatasetFormat
{
    Csv,
    LibSvm,
    Idx,
    MnistJson,
    JsonRecords,
}
