using PoisonCert.Models;

namespace PoisonCert.Training;

public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}

/// <summary>
/// Optimizer hyper-parameters with PyTorch semantics. SGD: d = g + λ·θ + λ₁·sign(θ); with momentum μ the velocity is
/// v = d at the first step and v = μ·v + (1 − τ)·d after (τ the dampening); the step is d + μ·v (Nesterov) or v.
/// Adam/AdamW: β₁, β₂, ε; Adam adds λ·θ to the gradient, AdamW decays θ by (1 − η·λ) first.
/// </summary>
public sealed record OptimizerSettings
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; }
    public double L1 { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;

    public void Validate()
    {
        void Fail(string message) => throw new InvalidConfigurationException("training.optimizer: " + message);
        foreach (var (name, value) in new[] { ("momentum", Momentum), ("dampening", Dampening), ("weightDecay", WeightDecay), ("l1", L1), ("beta1", Beta1), ("beta2", Beta2), ("epsilon", Epsilon) })
            if (!double.IsFinite(value) || value < 0) Fail($"{name} = {value}: it must be finite and ≥ 0.");
        if (Kind == OptimizerKind.Sgd)
        {
            if (Nesterov && (Momentum <= 0 || Dampening != 0)) Fail("Nesterov momentum needs momentum > 0 and dampening = 0 (as in PyTorch).");
            if (Dampening > 0 && Momentum == 0) Fail("dampening only applies with momentum > 0.");
        }
        else
        {
            if (Momentum != 0 || Dampening != 0 || Nesterov) Fail("momentum, dampening and nesterov apply to SGD only; Adam uses beta1 and beta2.");
            if (L1 != 0) Fail("l1 applies to SGD only.");
            if (Beta1 >= 1 || Beta2 >= 1) Fail($"beta1 = {Beta1} and beta2 = {Beta2} must be < 1.");
            if (Epsilon <= 0) Fail("epsilon must be > 0.");
        }
    }
}

/// <summary>η_t = max(η₀ / (1 + decay·t), minimum) at step t = 0, 1, 2, ... (a point value, computed in double).</summary>
public sealed record LearningRateSchedule(double Decay = 0, double Minimum = 0)
{
    public double At(double baseRate, int step) => Math.Max(baseRate / (1 + Decay * step), Minimum);
}

public enum ClipKind
{
    /// <summary>Each coordinate of each per-sample gradient clamped to [−bound, bound].</summary>
    Clamp,
    /// <summary>Each per-sample gradient (all parameters, biases included) scaled by min(1, bound/‖g‖₂).</summary>
    Norm,
}

public sealed record GradientClipping(ClipKind Kind, double Bound);

/// <summary>What happens to a last batch smaller than the batch size.</summary>
public enum LastBatchPolicy
{
    /// <summary>The incomplete last batch of each epoch is left out (reported in the certificate).</summary>
    Drop,
    /// <summary>An incomplete last batch is an error: choose a batch size that divides the training set.</summary>
    Error,
}

/// <summary>A training recipe: everything about training that the attacker does not control.</summary>
public sealed record TrainingRecipe
{
    public required LossKind Loss { get; init; }
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 0.1;
    public OptimizerSettings Optimizer { get; init; } = new();
    public LearningRateSchedule Schedule { get; init; } = new();
    public GradientClipping? Clipping { get; init; }
    /// <summary>Seed of the per-epoch shuffle; null trains on batches in data order (rows [jB, (j+1)B)).</summary>
    public ulong? ShuffleSeed { get; init; }
    public LastBatchPolicy LastBatch { get; init; } = LastBatchPolicy.Drop;

    public void Validate(int trainingRows)
    {
        void Fail(string message) => throw new InvalidConfigurationException("training: " + message);
        if (Epochs <= 0) Fail($"epochs = {Epochs}: it must be ≥ 1.");
        if (BatchSize <= 0) Fail($"batchSize = {BatchSize}: it must be ≥ 1.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) Fail($"learningRate = {LearningRate}: it must be finite and > 0.");
        if (!double.IsFinite(Schedule.Decay) || Schedule.Decay < 0 || !double.IsFinite(Schedule.Minimum) || Schedule.Minimum < 0)
            Fail("schedule.decay and schedule.minimum must be finite and ≥ 0.");
        if (Clipping is { } clip && (!double.IsFinite(clip.Bound) || clip.Bound <= 0)) Fail($"clip.bound = {clip.Bound}: it must be finite and > 0.");
        if (BatchSize > trainingRows) Fail($"batchSize = {BatchSize} exceeds the {trainingRows} training rows.");
        if (LastBatch == LastBatchPolicy.Error && trainingRows % BatchSize != 0)
            Fail($"{trainingRows} training rows do not split into batches of {BatchSize} (lastBatch = error); the last batch would have {trainingRows % BatchSize}.");
        Optimizer.Validate();
    }

    /// <summary>Batches per epoch (incomplete last batches dropped).</summary>
    public int BatchesPerEpoch(int trainingRows) => trainingRows / BatchSize;

    /// <summary>Rows left out of every epoch by <see cref="LastBatchPolicy.Drop"/>.</summary>
    public int DroppedRows(int trainingRows) => trainingRows % BatchSize;
}
