namespace PoisonCert.Workloads;

/// <summary>
/// The arrays of one benchmark workload, row-major float32 (labels as integers), exactly as the workload
/// definitions prescribe: computed in double from counter streams and rounded to float32 at the end. Weights use
/// the PyTorch layout y = x·Wᵀ + b, i.e. W has shape [outputs, inputs].
/// </summary>
public sealed record BenchmarkWorkload(
    string Key,
    int Inputs,
    int[] HiddenWidths,
    int Outputs,
    float[] TrainFeatures,
    float[] TestFeatures,
    int[]? TrainLabels,
    int[]? TestLabels,
    float[]? TrainTargets,
    float[]? TestTargets,
    IReadOnlyList<(string Name, int[] Shape, float[] Values)> InitialParameters)
{
    public int TrainCount => TrainFeatures.Length / Inputs;
    public int TestCount => TestFeatures.Length / Inputs;
}
