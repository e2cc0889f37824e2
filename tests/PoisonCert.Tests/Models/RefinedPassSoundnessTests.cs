using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Models;
using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;
using Xunit.Abstractions;

namespace PoisonCert.Tests.Models;

/// <summary>
/// A domain that refines a track's interval passes (affine, CROWN) against the training program: random small networks
/// (0–2 hidden layers, frozen prefixes, every loss and label box), random parameter and input boxes from zero width to
/// wide (unstable ReLUs); for sampled members (endpoints and interiors) every pre-activation, activation and trained
/// output gradient the program computes lies in the refined box, zero slack, and every refined forward box lies inside
/// the interval box it refines. The domain is also measured: strictly tighter than intervals on deep squared-error
/// networks with narrow boxes, the same for any thread count.
/// </summary>
public abstract class RefinedPassSoundnessTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly ITestOutputHelper _output;

    protected RefinedPassSoundnessTests(ITestOutputHelper output) => _output = output;

    /// <summary>The domain's name in messages.</summary>
    protected abstract string Domain { get; }

    /// <summary>Runs the case's interval pass refined by the domain on <paramref name="threads"/> threads.</summary>
    protected abstract IntervalNetwork<T> Run(NetworkPassCase<T> c, int threads = 1);

    /// <summary>Whether sample <paramref name="i"/> of the last <see cref="Run"/> kept its refinement; null for a domain without a per-sample fallback.</summary>
    protected virtual bool? Refined(int i) => null;

    [Property(MaxTest = 300)]
    public bool Passes_RandomNetworksBoxesAndMembers_ContainTheProgramValues(int seed)
    {
        var c = NetworkPassCase<T>.Random(seed);
        var interval = c.RunIntervalPass();
        var network = Run(c);
        AssertNested(c, interval, network, $"seed {seed}");
        var random = new Random(seed ^ 0x5A5A);
        var point = new PointNetwork<T>(c.Architecture, c.Count);
        for (var sample = 0; sample < 10; sample++)
        {
            var theta = PointMembers.Of<T>(random, c.ParameterLower, c.ParameterUpper);
            var x = PointMembers.Of<T>(random, c.InputLower, c.InputUpper);
            var (labels, targets) = c.AdmissibleLabels(random);
            point.Forward(theta, x, c.Count);
            point.Backward(theta, c.Loss, labels, targets, null, new T[c.Architecture.ParameterCount]);
            AssertContains(c, network, point, $"seed {seed}, member {sample}");
        }
        return true;
    }

    /// <summary>Members at the corners that drive every output up or down: all parameters and inputs at one end.</summary>
    [Property(MaxTest = 150)]
    public bool Passes_CornerMembers_ContainTheProgramValues(int seed)
    {
        var c = NetworkPassCase<T>.Random(seed);
        var network = Run(c);
        var point = new PointNetwork<T>(c.Architecture, c.Count);
        var random = new Random(seed);
        for (var corner = 0; corner < 4; corner++)
        {
            var theta = (corner & 1) == 0 ? c.ParameterLower : c.ParameterUpper;
            var x = (corner & 2) == 0 ? c.InputLower : c.InputUpper;
            var (labels, targets) = c.AdmissibleLabels(random);
            point.Forward(theta, x, c.Count);
            point.Backward(theta, c.Loss, labels, targets, null, new T[c.Architecture.ParameterCount]);
            AssertContains(c, network, point, $"seed {seed}, corner {corner}");
        }
        return true;
    }

    /// <summary>
    /// Deep squared-error networks with narrow boxes (the regime of real certified runs): the refined output boxes are
    /// strictly narrower than the interval ones in total, and so (through the squared-error gradient, and the affine
    /// domain's own backward forms) are the first layer's output-gradient boxes; never wider anywhere.
    /// </summary>
    [Fact]
    public void Forward_DeepSquaredErrorNarrowBoxes_IsTighterThanIntervals()
    {
        double intervalWidth = 0, refinedWidth = 0, intervalGradient = 0, refinedGradient = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var c = DeepCase(seed);
            var interval = c.RunIntervalPass();
            var network = Run(c);
            AssertNested(c, interval, network, $"seed {seed}");
            for (var i = 0; i < c.Count; i++) Assert.True(Refined(i) != false, $"seed {seed}: sample {i} fell back to intervals");
            intervalWidth += Width(interval.OutputLower, interval.OutputUpper);
            refinedWidth += Width(network.OutputLower, network.OutputUpper);
            intervalGradient += Width(interval.OutputGradientLower(0), interval.OutputGradientUpper(0));
            refinedGradient += Width(network.OutputGradientLower(0), network.OutputGradientUpper(0));
        }
        _output.WriteLine($"output width {Domain}/interval {refinedWidth / intervalWidth:R}; first-layer gradient {refinedGradient / intervalGradient:R}");
        Assert.True(refinedWidth < 0.9 * intervalWidth, $"{Domain} output width {refinedWidth:R}, interval {intervalWidth:R}");
        Assert.True(refinedGradient < 0.9 * intervalGradient, $"{Domain} first-layer gradient width {refinedGradient:R}, interval {intervalGradient:R}");
    }

    /// <summary>
    /// The crafted instance of FloatEvaluationCoverTests through two layers (5 → 1 → 1, unit weights, inputs
    /// [1, t, t, t, t] with t around the unit roundoff): the program rounds every addition up for the member with every t
    /// at its upper end, and only the domain's charge for the program's own rounding covers that.
    /// </summary>
    [Fact]
    public void Passes_InputsThatRoundEveryAdditionUp_ContainTheProgramValues()
    {
        var c = RoundingCase();
        var network = Run(c);
        Assert.True(Refined(0) != false, "the rounding case fell back to intervals");
        var point = new PointNetwork<T>(c.Architecture, 1);
        point.Forward(c.ParameterLower, c.InputUpper, 1);
        point.Backward(c.ParameterLower, c.Loss, c.Labels, c.Targets, null, new T[c.Architecture.ParameterCount]);
        AssertContains(c, network, point, "rounding case");
    }

    private static NetworkPassCase<T> RoundingCase()
    {
        var architecture = NetworkArchitecture.Perceptron(5, [1], 1);
        var u = double.CreateTruncating(ErrorBounds.UnitRoundoff<T>());
        var low = T.CreateTruncating(u * (1 - 3 * Math.ScaleB(1, -10)));
        var high = T.CreateTruncating(u * (1 + Math.ScaleB(1, -10)));
        T[] parameters = [T.One, T.One, T.One, T.One, T.One, T.Zero, T.One, T.Zero];
        return new NetworkPassCase<T>
        {
            Architecture = architecture, Loss = LossKind.MeanSquaredError, Count = 1, ParameterLower = parameters, ParameterUpper = parameters,
            InputLower = [T.One, low, low, low, low], InputUpper = [T.One, high, high, high, high], Labels = [0], Targets = [T.Zero], LabelBox = LabelBox.Clean,
        };
    }

    [Fact]
    public void Passes_AnyThreadCount_GiveTheSameBoxes()
    {
        var c = DeepCase(7) with { };
        var one = Run(c, threads: 1);
        var two = Run(c, threads: 2);
        var three = Run(c, threads: 3);
        for (var l = 0; l < c.Architecture.Layers.Count; l++)
        {
            Assert.Equal(one.OutputGradientLower(l).ToArray(), two.OutputGradientLower(l).ToArray());
            Assert.Equal(one.OutputGradientUpper(l).ToArray(), three.OutputGradientUpper(l).ToArray());
            Assert.Equal(one.LayerInputLower(l).ToArray(), three.LayerInputLower(l).ToArray());
        }
        Assert.Equal(one.OutputLower.ToArray(), two.OutputLower.ToArray());
        Assert.Equal(one.OutputUpper.ToArray(), three.OutputUpper.ToArray());
    }

    /// <summary>An infinite parameter bound makes the domain stand aside: the boxes are exactly the interval ones.</summary>
    [Fact]
    public void Passes_InfiniteParameterBound_LeaveTheIntervalBoxes()
    {
        var c = DeepCase(3);
        var upper = (T[])c.ParameterUpper.Clone();
        upper[^1] = T.PositiveInfinity;
        c = c with { ParameterUpper = upper };
        var interval = c.RunIntervalPass();
        var network = Run(c);
        Assert.Equal(interval.OutputLower.ToArray(), network.OutputLower.ToArray());
        Assert.Equal(interval.OutputUpper.ToArray(), network.OutputUpper.ToArray());
        Assert.Equal(interval.OutputGradientLower(0).ToArray(), network.OutputGradientLower(0).ToArray());
        Assert.True(Refined(0) != true, "a sample with an infinite parameter bound kept its refinement");
    }

    private static NetworkPassCase<T> DeepCase(int seed)
    {
        var random = new Random(seed);
        var architecture = NetworkArchitecture.Perceptron(4, [8, 8], 1);
        var count = 3;
        T[] Draw(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => T.CreateTruncating((2 * random.NextDouble() - 1) * scale))];
        var center = Draw(architecture.ParameterCount, 0.6);
        var x = Draw(count * 4, 1.5);
        T Shift(T v, double d) => T.CreateTruncating(double.CreateTruncating(v) + d);
        return new NetworkPassCase<T>
        {
            Architecture = architecture, Loss = LossKind.MeanSquaredError, Count = count,
            ParameterLower = [.. center.Select(v => Shift(v, -1e-3))], ParameterUpper = [.. center.Select(v => Shift(v, 1e-3))],
            InputLower = [.. x.Select(v => Shift(v, -1e-3))], InputUpper = [.. x.Select(v => Shift(v, 1e-3))],
            Labels = new int[count], Targets = Draw(count, 1), LabelBox = LabelBox.Clean,
        };
    }

    private static double Width(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper)
    {
        var total = 0.0;
        for (var e = 0; e < lower.Length; e++) total += double.CreateTruncating(upper[e]) - double.CreateTruncating(lower[e]);
        return total;
    }

    // Every refined forward box lies inside the box of an interval pass alone. (The backward interval pass of a
    // refined run starts from the refined boxes, and midpoint-radius products are not inclusion-monotone to the ulp,
    // so its gradient boxes are compared with the interval pass of the same run, which the domain intersects.)
    private static void AssertNested(NetworkPassCase<T> c, IntervalNetwork<T> interval, IntervalNetwork<T> refined, string where)
    {
        for (var l = 0; l < c.Architecture.Layers.Count; l++)
            AssertInside(interval.LayerInputLower(l), interval.LayerInputUpper(l), refined.LayerInputLower(l), refined.LayerInputUpper(l), $"{where}, layer {l} input");
        AssertInside(interval.OutputLower, interval.OutputUpper, refined.OutputLower, refined.OutputUpper, $"{where}, output");
    }

    private static void AssertInside(ReadOnlySpan<T> outerLower, ReadOnlySpan<T> outerUpper, ReadOnlySpan<T> lower, ReadOnlySpan<T> upper, string where)
    {
        for (var e = 0; e < lower.Length; e++)
            Assert.True(outerLower[e] <= lower[e] && upper[e] <= outerUpper[e],
                $"{where}, entry {e}: refined [{lower[e]:R}, {upper[e]:R}] not inside [{outerLower[e]:R}, {outerUpper[e]:R}]");
    }

    private static void AssertContains(NetworkPassCase<T> c, IntervalNetwork<T> network, PointNetwork<T> point, string where)
    {
        var preActivations = Internals.Field<T[][]>(point, "_preActivations");
        var outputGradients = Internals.Field<T[][]>(point, "_outputGradients");
        var zLower = Internals.Field<T[][]>(network, "_zLower");
        var zUpper = Internals.Field<T[][]>(network, "_zUpper");
        for (var l = 0; l < c.Architecture.Layers.Count; l++)
        {
            var layer = c.Architecture.Layers[l];
            var n = c.Count * layer.Outputs;
            var next = l + 1 < c.Architecture.Layers.Count;
            var hl = next ? network.LayerInputLower(l + 1) : network.OutputLower;
            var hu = next ? network.LayerInputUpper(l + 1) : network.OutputUpper;
            var gl = network.OutputGradientLower(l);
            var gu = network.OutputGradientUpper(l);
            for (var e = 0; e < n; e++)
            {
                var at = $"{where}, {c.Architecture}, {c.Loss}, layer {l}, entry {e}";
                var z = preActivations[l][e];
                Assert.True(zLower[l][e] <= z && z <= zUpper[l][e], $"{at}: program pre-activation {z:R} outside [{zLower[l][e]:R}, {zUpper[l][e]:R}]");
                var h = layer.Relu ? T.Max(z, T.Zero) : z;
                Assert.True(hl[e] <= h && h <= hu[e], $"{at}: program activation {h:R} outside [{hl[e]:R}, {hu[e]:R}]");
                if (l < c.Architecture.FirstTrainable) continue;
                var g = outputGradients[l][e];
                Assert.True(gl[e] <= g && g <= gu[e], $"{at}: program output gradient {g:R} outside [{gl[e]:R}, {gu[e]:R}]");
            }
        }
    }
}
