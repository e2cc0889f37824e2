using PoisonCert.Kernels;

namespace PoisonCert.Tests.Kernels;

/// <summary>The training program's ReLU mask keeps exactly the entries whose pre-activation is &gt; 0 (NaN-free), at every length.</summary>
public class PointKernelsTests
{
    [Fact]
    public void ZeroWhereNotPositive_EveryLengthUpTo300_EqualsDefinition()
    {
        var random = new Random(4);
        for (var length = 0; length <= 300; length++)
        {
            var z = Enumerable.Range(0, length).Select(_ => random.Next(5) switch { 0 => 0f, 1 => -0f, _ => (float)(random.NextDouble() * 2 - 1) }).ToArray();
            var g = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var expected = g.Select((v, i) => z[i] > 0 ? v : 0f).ToArray();
            PointKernels.ZeroWhereNotPositive<float>(g, z);
            for (var i = 0; i < length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(g[i]), $"length {length}, entry {i}");
        }
    }
}
