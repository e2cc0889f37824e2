using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;

namespace PoisonCert.Tests.Models;

/// <summary>
/// A random small network with a parameter box (frozen layers point-valued, some entries zero-width), a batch of
/// input boxes, labels or targets and a label box; its interval pass (forward, loss gradient box, backward) run
/// the way the certified trainer runs one track.
/// </summary>
public sealed record NetworkPassCase<T> where T : IBinaryFloatingPointIeee754<T>
{
    public required NetworkArchitecture Architecture { get; init; }
    public required LossKind Loss { get; init; }
    public required int Count { get; init; }
    public required T[] ParameterLower { get; init; }
    public required T[] ParameterUpper { get; init; }
    public required T[] InputLower { get; init; }
    public required T[] InputUpper { get; init; }
    public required int[] Labels { get; init; }
    public required T[] Targets { get; init; }
    public required LabelBox LabelBox { get; init; }

    public int TargetWidth => Loss == LossKind.MeanSquaredError ? Architecture.Outputs : 0;

    public static NetworkPassCase<T> Random(int seed, double parameterRadius = -1, double inputRadius = -1)
    {
        var random = new Random(seed);
        var inputs = random.Next(1, 5);
        int[] hidden = random.Next(3) switch { 0 => [], 1 => [random.Next(1, 6)], _ => [random.Next(1, 5), random.Next(1, 4)] };
        var loss = (LossKind)random.Next(3);
        var outputs = loss switch { LossKind.MeanSquaredError => random.Next(1, 3), LossKind.BinaryCrossEntropy => 1, _ => random.Next(2, 5) };
        var frozen = hidden.Length > 0 && random.Next(3) == 0 ? random.Next(1, hidden.Length + 1) : 0;
        var architecture = NetworkArchitecture.Perceptron(inputs, hidden, outputs, frozen);
        var count = random.Next(1, 5);
        var frozenEnd = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        var (pl, pu) = Box(random, architecture.ParameterCount, 1.5, parameterRadius, [0.0, 1e-6, 0.01, 0.2], pointBefore: frozenEnd);
        var (xl, xu) = Box(random, count * inputs, 2, inputRadius, [0.0, 0.01, 0.5], pointBefore: 0);
        var classes = loss == LossKind.BinaryCrossEntropy ? 2 : outputs;
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
        var targets = Enumerable.Range(0, loss == LossKind.MeanSquaredError ? count * outputs : 0)
            .Select(_ => T.CreateTruncating(2 * random.NextDouble() - 1)).ToArray();
        var labelBox = (loss, random.Next(3)) switch
        {
            (LossKind.MeanSquaredError, 0) => new LabelBox(LabelPoisoning.Bounded, 0.1, 0),
            (LossKind.MeanSquaredError, _) => LabelBox.Clean,
            (_, 0) => new LabelBox(LabelPoisoning.AnyFlip, 0, 0),
            (_, 1) => new LabelBox(LabelPoisoning.TargetFlip, 0, random.Next(classes)),
            _ => LabelBox.Clean,
        };
        return new NetworkPassCase<T>
        {
            Architecture = architecture, Loss = loss, Count = count, ParameterLower = pl, ParameterUpper = pu, InputLower = xl, InputUpper = xu,
            Labels = labels, Targets = targets, LabelBox = labelBox,
        };
    }

    // Centres uniform in ±scale; radii drawn per entry from the list (or the fixed radius); entries before pointBefore are points.
    private static (T[] Lower, T[] Upper) Box(Random random, int length, double scale, double fixedRadius, double[] radii, int pointBefore)
    {
        var (lower, upper) = (new T[length], new T[length]);
        for (var i = 0; i < length; i++)
        {
            var center = T.CreateTruncating((2 * random.NextDouble() - 1) * scale);
            var radius = i < pointBefore ? 0 : fixedRadius >= 0 ? fixedRadius : radii[random.Next(radii.Length)] * random.NextDouble();
            lower[i] = Offset(center, -radius);
            upper[i] = Offset(center, radius);
        }
        return (lower, upper);
    }

    private static T Offset(T center, double offset) => offset == 0 ? center : T.CreateTruncating(double.CreateTruncating(center) + offset);

    /// <summary>Runs the interval pass as the certified trainer's track does.</summary>
    public IntervalNetwork<T> RunIntervalPass() => RunPass(null, null);

    /// <summary>Runs the interval pass with its forward boxes refined by the CROWN bounds, as the trainer's track does with "crown".</summary>
    public IntervalNetwork<T> RunCrownPass(int threads = 1) => RunPass(null, new CrownBounds<T>(Architecture, Count, threads));

    /// <summary>Runs the interval pass refined by the affine domain, as the certified trainer's track does with "affine".</summary>
    public (IntervalNetwork<T> Network, AffineRefiner<T> Refiner) RunAffinePass(int threads = 1)
    {
        var refiner = new AffineRefiner<T>(Architecture, Count, threads);
        return (RunPass(refiner, null), refiner);
    }

    private IntervalNetwork<T> RunPass(AffineRefiner<T>? refiner, CrownBounds<T>? crown)
    {
        var weights = new AffineWeights<T>(Architecture);
        weights.Prepare(ParameterLower, ParameterUpper);
        var network = new IntervalNetwork<T>(Architecture, Count);
        network.Begin(Count);
        InputLower.CopyTo(network.InputLower);
        InputUpper.CopyTo(network.InputUpper);
        var transposedLower = Architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        var transposedUpper = Architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        for (var l = 0; l < Architecture.Layers.Count; l++)
        {
            var layer = Architecture.Layers[l];
            PointNetwork<T>.Transpose(ParameterLower.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedLower[l]);
            PointNetwork<T>.Transpose(ParameterUpper.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedUpper[l]);
        }
        network.Forward(ParameterLower, ParameterUpper, transposedLower, transposedUpper);
        crown?.Forward(network, weights);
        refiner?.Forward(network, weights);
        var outputs = Architecture.Outputs;
        var last = Architecture.Layers.Count - 1;
        for (var i = 0; i < Count; i++)
            IntervalLoss.Gradient<T>(Loss, network.OutputLower.Slice(i * outputs, outputs), network.OutputUpper.Slice(i * outputs, outputs), Labels[i],
                TargetWidth == 0 ? default : Targets.AsSpan(i * outputs, outputs), LabelBox,
                network.OutputGradientLower(last).Slice(i * outputs, outputs), network.OutputGradientUpper(last).Slice(i * outputs, outputs));
        network.Backward(ParameterLower, ParameterUpper);
        refiner?.Backward(network, weights, Loss, TargetWidth == 0 ? null : Targets,
            LabelBox.Kind == LabelPoisoning.Bounded ? PoisonCert.Numerics.Transcendentals.ToUpper<T>(LabelBox.Radius) : T.Zero);
        return network;
    }

    /// <summary>A member of the label box for each sample: a flipped label or targets moved by up to ν.</summary>
    public (int[] Labels, T[] Targets) AdmissibleLabels(Random random)
    {
        var labels = (int[])Labels.Clone();
        for (var i = 0; i < labels.Length; i++)
        {
            if (LabelBox.Kind == LabelPoisoning.AnyFlip) labels[i] = random.Next(Loss == LossKind.BinaryCrossEntropy ? 2 : Architecture.Outputs);
            if (LabelBox.Kind == LabelPoisoning.TargetFlip && random.Next(2) == 0) labels[i] = LabelBox.TargetClass;
        }
        var targets = Targets.Select(y => LabelBox.Kind == LabelPoisoning.Bounded
            ? PointMembers.Moved(y, random.Next(3) switch { 0 => -LabelBox.Radius, 1 => LabelBox.Radius, _ => (2 * random.NextDouble() - 1) * LabelBox.Radius })
            : y).ToArray();
        return (labels, targets);
    }
}

/// <summary>The exact (rational) forward pass and, for the squared error, backward pass of a point network.</summary>
public static class ExactNetwork
{
    /// <summary>Pre-activations per layer, [count, outputs] each.</summary>
    public static Rational[][] Forward<T>(NetworkArchitecture architecture, T[] parameters, T[] inputs, int count) where T : IBinaryFloatingPointIeee754<T>
    {
        var result = new Rational[architecture.Layers.Count][];
        var h = inputs.Select(Rational.From).ToArray();
        for (var l = 0; l < architecture.Layers.Count; l++)
        {
            var layer = architecture.Layers[l];
            var z = new Rational[count * layer.Outputs];
            for (var i = 0; i < count; i++)
            for (var o = 0; o < layer.Outputs; o++)
            {
                var sum = Rational.From(parameters[layer.BiasOffset + o]);
                for (var j = 0; j < layer.Inputs; j++)
                    sum += Rational.From(parameters[layer.WeightOffset + o * layer.Inputs + j]) * h[i * layer.Inputs + j];
                z[i * layer.Outputs + o] = sum;
            }
            result[l] = z;
            h = layer.Relu ? [.. z.Select(v => v.Sign > 0 ? v : Rational.Zero)] : z;
        }
        return result;
    }

    /// <summary>∂loss/∂z per layer for the squared error (layers before the first trainable one are left null).</summary>
    public static Rational[]?[] BackwardSquaredError<T>(NetworkArchitecture architecture, T[] parameters, Rational[][] z, T[] targets, int count)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var layers = architecture.Layers;
        var result = new Rational[]?[layers.Count];
        var two = new Rational(2, 1);
        result[^1] = [.. z[^1].Select((v, e) => two * (v - Rational.From(targets[e])))];
        for (var l = layers.Count - 1; l > architecture.FirstTrainable; l--)
        {
            var layer = layers[l];
            var previous = new Rational[count * layer.Inputs];
            for (var i = 0; i < count; i++)
            for (var j = 0; j < layer.Inputs; j++)
            {
                var sum = Rational.Zero;
                for (var o = 0; o < layer.Outputs; o++)
                    sum += result[l]![i * layer.Outputs + o] * Rational.From(parameters[layer.WeightOffset + o * layer.Inputs + j]);
                previous[i * layer.Inputs + j] = layers[l - 1].Relu && z[l - 1][i * layer.Inputs + j].Sign <= 0 ? Rational.Zero : sum;
            }
            result[l - 1] = previous;
        }
        return result;
    }
}
