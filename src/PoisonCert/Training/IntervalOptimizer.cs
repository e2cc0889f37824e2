using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// The certified optimizer step: every operation of <see cref="PointOptimizer{T}"/> replaced by an interval
/// operation over INDEPENDENT operands (θ's occurrences in θ − η(g + λθ) are not assumed equal), each endpoint
/// rounded outward. By induction, if θ, the optimizer state and the gradient lie in their boxes, every program
/// value of the step lies in the computed box — for every hyper-parameter value (η·λ &gt; 1, momentum with weight
/// decay, any dampening), with no "use the other endpoint" shortcut (unsound for η·λ &gt; 1 and with momentum).
/// Rounding to nearest is monotone, so enclosing each operation's exact result over its input boxes encloses the
/// program's rounded result as well. Adam's quotient m̂/(√v̂ + ε) uses sign-case division: for m̂ ≤ 0 the upper
/// bound takes the LARGEST denominator.
/// </summary>
public sealed class IntervalOptimizer<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly TrainingRecipe _recipe;
    private readonly T[] _firstLower, _firstUpper, _secondLower, _secondUpper;
    private readonly int _start;
    private readonly KernelPath _path;

    public IntervalOptimizer(TrainingRecipe recipe, int parameterCount, int start, KernelPath path = KernelPath.Automatic)
    {
        _path = path;
        _recipe = recipe;
        _firstLower = new T[parameterCount];
        _firstUpper = new T[parameterCount];
        _secondLower = new T[parameterCount];
        _secondUpper = new T[parameterCount];
        _start = start;
    }

    /// <summary>Velocity (SGD) or first-moment box, for tests and diagnostics.</summary>
    public (T Lower, T Upper) FirstState(int index) => (_firstLower[index], _firstUpper[index]);

    /// <summary>[θ] ← step([θ], [g]) for step <paramref name="step"/> (0-based).</summary>
    public void Step(int step, Span<T> lower, Span<T> upper, ReadOnlySpan<T> gradientLower, ReadOnlySpan<T> gradientUpper)
    {
        var c = OptimizerConstants<T>.For(_recipe, step);
        var settings = _recipe.Optimizer;
        var ratioBound = settings.Kind == OptimizerKind.Sgd ? T.PositiveInfinity : Transcendentals.ToUpper<T>(AdamRatioBound(c, step));
        var begin = _start;
        if (settings.Kind == OptimizerKind.Sgd && settings.L1 == 0 && KernelPaths.Resolve(_path) == KernelPath.Vector512)
            begin = StepSgd512(step, c, lower, upper, gradientLower, gradientUpper);
        for (var e = begin; e < lower.Length; e++)
        {
            var theta = (lower[e], upper[e]);
            var d = (gradientLower[e], gradientUpper[e]);
            if (settings.Kind == OptimizerKind.Sgd)
            {
                if (settings.WeightDecay != 0) d = Add(d, Scale(c.WeightDecay, theta));
                if (settings.L1 != 0) d = Add(d, Scale(c.L1, (T.CreateTruncating(T.Sign(theta.Item1)), T.CreateTruncating(T.Sign(theta.Item2)))));
                if (settings.Momentum != 0)
                {
                    var velocity = step == 0 ? d : Add(Scale(c.Momentum, (_firstLower[e], _firstUpper[e])), Scale(c.DampingFactor, d));
                    (_firstLower[e], _firstUpper[e]) = velocity;
                    d = settings.Nesterov ? Add(d, Scale(c.Momentum, velocity)) : velocity;
                }
                (lower[e], upper[e]) = Subtract(theta, Scale(c.LearningRate, d));
                continue;
            }
            if (settings.Kind == OptimizerKind.AdamW) theta = Scale(c.DecoupledDecayFactor, theta);
            else if (settings.WeightDecay != 0) d = Add(d, Scale(c.WeightDecay, theta));
            var first = Add(Scale(c.Beta1, (_firstLower[e], _firstUpper[e])), Scale(c.OneMinusBeta1, d));
            var second = Add(Scale(c.Beta2, (_secondLower[e], _secondUpper[e])), Scale(c.OneMinusBeta2, Square(d)));
            (_firstLower[e], _firstUpper[e]) = first;
            (_secondLower[e], _secondUpper[e]) = second;
            var corrected = DividePositive(first, (c.BiasCorrection1, c.BiasCorrection1), step, e);
            var variance = DividePositive(second, (c.BiasCorrection2, c.BiasCorrection2), step, e);
            var denominator = (Rounding.AddDown(Rounding.SqrtDown(T.Max(variance.Item1, T.Zero)), c.Epsilon),
                Rounding.AddUp(Rounding.SqrtUp(variance.Item2), c.Epsilon));
            var ratio = DividePositive(corrected, denominator, step, e);
            ratio = (T.Max(ratio.Item1, -ratioBound), T.Min(ratio.Item2, ratioBound));
            (lower[e], upper[e]) = Subtract(theta, Scale(c.LearningRate, ratio));
        }
    }

    /// <summary>
    /// An a priori bound R with |m̂/(√v̂ + ε)| ≤ R for EVERY gradient sequence, as the program computes it. The
    /// moments are linear in the same per-step gradients dₛ: m = (1−β₁)Σ β₁^(t−s) dₛ and v = (1−β₂)Σ β₂^(t−s) dₛ², so by
    /// Cauchy–Schwarz |m| ≤ A·√v with A = (1−β₁)·√(Σⱼ (β₁²/β₂)^j / (1−β₂)), j &lt; t; hence
    /// |m̂|/(√v̂ + ε) ≤ (A/c₁)·√c₂. Interval division alone cannot see this relation (m and v are boxed separately),
    /// and blows up when the gradient box contains 0 (v̂ ≈ 0); the intersection with [−R, R] is sound because both
    /// enclosures are. Floating point: each dₛ passes through at most 2t + 3 roundings in the moments and five more in
    /// the quotient, covered by the factor (1 + γ)/√(1 − γ), γ = γ_(4t+16), and squares that underflow by the term
    /// √(2t·η)/ε. All constants are the program's own rounded constants; R is computed in double, rounded upward.
    /// </summary>
    private static double AdamRatioBound(in OptimizerConstants<T> c, int step)
    {
        var t = step + 1;
        double Of(T value) => double.CreateTruncating(value);
        var quotient = Rounding.DivUp(Rounding.MulUp(Of(c.Beta1), Of(c.Beta1)), Of(c.Beta2));
        double sum = 0, power = 1;
        for (var j = 0; j < t; j++)
        {
            sum = Rounding.AddUp(sum, power);
            power = Rounding.MulUp(power, quotient);
        }
        var a = Rounding.MulUp(Of(c.OneMinusBeta1), Rounding.SqrtUp(Rounding.DivUp(sum, Of(c.OneMinusBeta2))));
        var gamma = Of(ErrorBounds.Gamma<T>(4L * t + 16)); // γ in the program's precision
        var factor = Rounding.DivUp(Rounding.AddUp(1, gamma), Rounding.SqrtDown(Rounding.SubDown(1, gamma)));
        var underflow = Rounding.DivUp(Rounding.SqrtUp(Rounding.MulUp(2.0 * t, Of(T.Epsilon))), Of(c.Epsilon));
        return Rounding.MulUp(Rounding.MulUp(factor, Rounding.DivUp(a, Of(c.BiasCorrection1))),
            Rounding.AddUp(Rounding.SqrtUp(Of(c.BiasCorrection2)), underflow));
    }

    // The SGD step without L1 on whole vectors: lane for lane the scalar loop's operations (the vector directed
    // operations are bit-identical to Rounding's), so the same bits. Returns the first index left to the scalar loop.
    private int StepSgd512(int step, in OptimizerConstants<T> c, Span<T> lower, Span<T> upper, ReadOnlySpan<T> gradientLower, ReadOnlySpan<T> gradientUpper)
    {
        var settings = _recipe.Optimizer;
        var count = Vector512<T>.Count;
        var e = _start;
        for (; e <= lower.Length - count; e += count)
        {
            var theta = (Vector512.Create((ReadOnlySpan<T>)lower.Slice(e, count)), Vector512.Create((ReadOnlySpan<T>)upper.Slice(e, count)));
            var d = (Vector512.Create(gradientLower.Slice(e, count)), Vector512.Create(gradientUpper.Slice(e, count)));
            if (settings.WeightDecay != 0) d = Add512(d, Scale512(c.WeightDecay, theta));
            if (settings.Momentum != 0)
            {
                var velocity = step == 0 ? d
                    : Add512(Scale512(c.Momentum, (Vector512.Create((ReadOnlySpan<T>)_firstLower.AsSpan(e, count)), Vector512.Create((ReadOnlySpan<T>)_firstUpper.AsSpan(e, count)))),
                        Scale512(c.DampingFactor, d));
                velocity.Item1.CopyTo(_firstLower.AsSpan(e));
                velocity.Item2.CopyTo(_firstUpper.AsSpan(e));
                d = settings.Nesterov ? Add512(d, Scale512(c.Momentum, velocity)) : velocity;
            }
            var change = Scale512(c.LearningRate, d);
            VectorDirectedRounding.AddDown(theta.Item1, -change.Item2).CopyTo(lower.Slice(e));
            VectorDirectedRounding.AddUp(theta.Item2, -change.Item1).CopyTo(upper.Slice(e));
        }
        return e;
    }

    private static (Vector512<T>, Vector512<T>) Add512((Vector512<T> Lower, Vector512<T> Upper) a, (Vector512<T> Lower, Vector512<T> Upper) b) =>
        (VectorDirectedRounding.AddDown(a.Lower, b.Lower), VectorDirectedRounding.AddUp(a.Upper, b.Upper));

    private static (Vector512<T>, Vector512<T>) Scale512(T c, (Vector512<T> Lower, Vector512<T> Upper) a)
    {
        var v = Vector512.Create(c);
        return c >= T.Zero
            ? (VectorDirectedRounding.MulDown(v, a.Lower), VectorDirectedRounding.MulUp(v, a.Upper))
            : (VectorDirectedRounding.MulDown(v, a.Upper), VectorDirectedRounding.MulUp(v, a.Lower));
    }

    private static (T, T) Add((T Lower, T Upper) a, (T Lower, T Upper) b) => (Rounding.AddDown(a.Lower, b.Lower), Rounding.AddUp(a.Upper, b.Upper));

    private static (T, T) Subtract((T Lower, T Upper) a, (T Lower, T Upper) b) => (Rounding.SubDown(a.Lower, b.Upper), Rounding.SubUp(a.Upper, b.Lower));

    /// <summary>c·[a] for a point c of either sign.</summary>
    private static (T, T) Scale(T c, (T Lower, T Upper) a)
        => c >= T.Zero ? (Rounding.MulDown(c, a.Lower), Rounding.MulUp(c, a.Upper)) : (Rounding.MulDown(c, a.Upper), Rounding.MulUp(c, a.Lower));

    /// <summary>{x·x : x ∈ [a]} = [mig², mag²] (the program computes fl(d·d)).</summary>
    private static (T, T) Square((T Lower, T Upper) a)
    {
        var magnitude = T.Max(T.Abs(a.Lower), T.Abs(a.Upper));
        var mignitude = a.Lower > T.Zero ? a.Lower : a.Upper < T.Zero ? -a.Upper : T.Zero;
        return (Rounding.MulDown(mignitude, mignitude), Rounding.MulUp(magnitude, magnitude));
    }

    /// <summary>[a]/[d] for a positive denominator box: the sign of each numerator endpoint picks the denominator endpoint.</summary>
    private static (T, T) DividePositive((T Lower, T Upper) a, (T Lower, T Upper) d, int step, int index)
    {
        if (!(d.Lower > T.Zero))
            throw new BoundViolationException(
                $"Step {step}: parameter entry {index}: Adam's denominator box [{d.Lower:R}, {d.Upper:R}] is not positive (an ε that rounds to zero in {typeof(T).Name}, or a bias correction that underflowed).");
        var lower = a.Lower >= T.Zero ? Rounding.DivDown(a.Lower, d.Upper) : Rounding.DivDown(a.Lower, d.Lower);
        var upper = a.Upper >= T.Zero ? Rounding.DivUp(a.Upper, d.Lower) : Rounding.DivUp(a.Upper, d.Upper);
        return (lower, upper);
    }
}
