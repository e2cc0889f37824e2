using System.Numerics;
using PoisonCert.Models;
using Xunit.Abstractions;

namespace PoisonCert.Tests.Models;

/// <summary>
/// The CROWN bounds (CrownBounds) against the training program (<see cref="RefinedPassSoundnessTests{T}"/>): they
/// refine the forward boxes after the first layer; the backward pass stays interval, on the refined boxes.
/// </summary>
public abstract class CrownBoundsSoundnessTests<T>(ITestOutputHelper output) : RefinedPassSoundnessTests<T>(output)
    where T : IBinaryFloatingPointIeee754<T>
{
    protected override string Domain => "CROWN";

    protected override IntervalNetwork<T> Run(NetworkPassCase<T> c, int threads = 1) => c.RunCrownPass(threads);
}

public sealed class SingleCrownBoundsSoundnessTests(ITestOutputHelper output) : CrownBoundsSoundnessTests<float>(output) { }

public sealed class DoubleCrownBoundsSoundnessTests(ITestOutputHelper output) : CrownBoundsSoundnessTests<double>(output) { }
