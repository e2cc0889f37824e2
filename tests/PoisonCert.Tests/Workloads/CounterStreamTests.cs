using PoisonCert.Workloads;

namespace PoisonCert.Tests.Workloads;

public class CounterStreamTests
{
    // Key 0 reduces the counter stream to the standard SplitMix64 sequence seeded with 0, whose first outputs are
    // published with the generator (Vigna's reference splitmix64.c): 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ...
    [Fact]
    public void Draw_KeyZero_MatchesStandardSplitMix64Sequence()
    {
        Assert.Equal(0xE220A8397B1DCDAFUL, CounterStream.Draw(0, 1));
        Assert.Equal(0x6E789E6AA1B965F4UL, CounterStream.Draw(0, 2));
        Assert.Equal(0x06C45D188009454FUL, CounterStream.Draw(0, 3));
    }

    [Fact]
    public void Unit_ManyDraws_StayInHalfOpenUnitInterval()
    {
        for (ulong i = 1; i <= 10_000; i++)
        {
            var u = CounterStream.Unit(7, i);
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void LogOnePlus_SmallArguments_AgreesWithSeriesExpansion()
    {
        // log1p(x) = x − x²/2 + x³/3 − …; for |x| = 1e−10 the series to x³ is exact to far below one ulp.
        var x = -1e-10;
        var series = x - x * x / 2 + x * x * x / 3;
        Assert.Equal(series, CounterStream.LogOnePlus(x), 1e-30);
    }

    [Fact]
    public void Workloads_GeneratedTwice_AreIdenticalBitForBit()
    {
        var first = BenchmarkWorkloads.Regression();
        var second = BenchmarkWorkloads.Regression();
        Assert.Equal(first.TrainFeatures, second.TrainFeatures);
        Assert.Equal(first.TrainTargets, second.TrainTargets);
        Assert.Equal(20_000, first.TrainCount);
        Assert.Equal(5_000, first.TestCount);
        Assert.All(first.InitialParameters, p => Assert.Equal(p.Shape.Aggregate(1, (a, b) => a * b), p.Values.Length));
    }

    [Fact]
    public void ClassificationWorkload_Labels_CoverEveryClassAndMatchShapes()
    {
        var workload = BenchmarkWorkloads.Classification();
        Assert.Equal(10_000, workload.TrainCount);
        Assert.Equal(2_000, workload.TestCount);
        var counts = new int[10];
        foreach (var label in workload.TrainLabels!) counts[label]++;
        Assert.All(counts, c => Assert.True(c > 100, $"class count {c}"));
        Assert.All(workload.TrainFeatures, v => Assert.InRange(v, 0f, 1f));
    }
}
