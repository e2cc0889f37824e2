using System.Numerics;
using PoisonCert.Models;
using Xunit.Abstractions;

namespace PoisonCert.Tests.Models;

/// <summary>
/// The affine domain (AffineRefiner) against the training program (<see cref="RefinedPassSoundnessTests{T}"/>): its
/// forward and backward forms refine every box of the track, and a sample falls back to the interval boxes only when
/// its forms stop being finite.
/// </summary>
public abstract class AffineRefinerSoundnessTests<T>(ITestOutputHelper output) : RefinedPassSoundnessTests<T>(output)
    where T : IBinaryFloatingPointIeee754<T>
{
    private AffineRefiner<T>? _refiner;

    protected override string Domain => "affine";

    protected override IntervalNetwork<T> Run(NetworkPassCase<T> c, int threads = 1)
    {
        var (network, refiner) = c.RunAffinePass(threads);
        _refiner = refiner;
        return network;
    }

    protected override bool? Refined(int i) => _refiner!.IsRefined(i);
}

public sealed class SingleAffineRefinerSoundnessTests(ITestOutputHelper output) : AffineRefinerSoundnessTests<float>(output) { }

public sealed class DoubleAffineRefinerSoundnessTests(ITestOutputHelper output) : AffineRefinerSoundnessTests<double>(output) { }
