using System.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// One batch as the training program sees it: <see cref="Count"/> samples with features row-major
/// [Count, Inputs] and labels (classification) or targets [Count, TargetWidth] (regression). A poisoner may change
/// any of them in place, or remove samples (<see cref="RemoveAt"/>), before the step runs.
/// </summary>
public sealed class BatchData<T> where T : IBinaryFloatingPointIeee754<T>
{
    public BatchData(int capacity, int inputs, bool classification, int targetWidth)
    {
        Capacity = capacity;
        Inputs = inputs;
        TargetWidth = classification ? 0 : targetWidth;
        Features = new T[capacity * inputs];
        Labels = classification ? new int[capacity] : null;
        Targets = classification ? null : new T[capacity * targetWidth];
        Rows = new int[capacity];
    }

    public int Capacity { get; }
    public int Inputs { get; }
    public int TargetWidth { get; }
    public int Count { get; private set; }
    public T[] Features { get; }
    public int[]? Labels { get; }
    public T[]? Targets { get; }
    /// <summary>The training-set row each sample came from.</summary>
    public int[] Rows { get; }

    public Span<T> FeaturesOf(int sample) => Features.AsSpan(sample * Inputs, Inputs);

    public Span<T> TargetsOf(int sample) => Targets.AsSpan(sample * TargetWidth, TargetWidth);

    /// <summary>Fills the batch with the listed rows of the training set.</summary>
    public void Load(TrainingSet<T> data, ReadOnlySpan<int> rows)
    {
        if (rows.Length > Capacity) throw new ArgumentException($"A batch holds at most {Capacity} samples, not {rows.Length}.", nameof(rows));
        Count = rows.Length;
        for (var i = 0; i < rows.Length; i++)
        {
            Rows[i] = rows[i];
            data.Row(rows[i]).CopyTo(FeaturesOf(i));
            if (Labels is not null) Labels[i] = data.Labels![rows[i]];
            else data.Targets.AsSpan(rows[i] * TargetWidth, TargetWidth).CopyTo(TargetsOf(i));
        }
    }

    /// <summary>Removes one sample, keeping the others in order (the removal threat model).</summary>
    public void RemoveAt(int sample)
    {
        if (sample < 0 || sample >= Count) throw new ArgumentOutOfRangeException(nameof(sample));
        for (var i = sample; i < Count - 1; i++)
        {
            FeaturesOf(i + 1).CopyTo(FeaturesOf(i));
            Rows[i] = Rows[i + 1];
            if (Labels is not null) Labels[i] = Labels[i + 1];
            else TargetsOf(i + 1).CopyTo(TargetsOf(i));
        }
        Count--;
    }
}
