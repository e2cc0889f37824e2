using BenchmarkDotNet.Attributes;
using PoisonCert.Kernels;

namespace PoisonCert.Benchmarks.Kernels;

/// <summary>
/// float32 1024×1024×1024, one thread: the point product (baseline) and the sound midpoint-radius interval product
/// in the same run, so the ratio column is the cost of soundness. The setup checks both results against a double
/// precision reference before timing.
/// </summary>
[MemoryDiagnoser]
public class MatrixProductBenchmarks
{
    public const int Size = 1024;
    private readonly float[] _aLower = new float[Size * Size], _aUpper = new float[Size * Size];
    private readonly float[] _bLower = new float[Size * Size], _bUpper = new float[Size * Size];
    private readonly float[] _c = new float[Size * Size], _cLower = new float[Size * Size], _cUpper = new float[Size * Size];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < _aLower.Length; i++)
        {
            _aLower[i] = (float)(random.NextDouble() * 2 - 1);
            _aUpper[i] = _aLower[i] + (float)(random.NextDouble() * 1e-3);
            _bLower[i] = (float)(random.NextDouble() * 2 - 1);
            _bUpper[i] = _bLower[i] + (float)(random.NextDouble() * 1e-3);
        }
        PointProduct();
        MidpointRadiusProduct();
        for (var probe = 0; probe < 64; probe++)
        {
            var i = random.Next(Size);
            var j = random.Next(Size);
            double point = 0, lowest = 0, highest = 0;
            for (var p = 0; p < Size; p++)
            {
                point += (double)_aLower[i * Size + p] * _bLower[p * Size + j];
                var corners = new[]
                {
                    (double)_aLower[i * Size + p] * _bLower[p * Size + j], (double)_aLower[i * Size + p] * _bUpper[p * Size + j],
                    (double)_aUpper[i * Size + p] * _bLower[p * Size + j], (double)_aUpper[i * Size + p] * _bUpper[p * Size + j],
                };
                lowest += corners.Min();
                highest += corners.Max();
            }
            if (Math.Abs(_c[i * Size + j] - point) > 1e-3)
                throw new InvalidOperationException($"Point product wrong at ({i}, {j}): {_c[i * Size + j]} vs {point}.");
            if (_cLower[i * Size + j] > lowest - 1e-9 * Math.Abs(lowest) || _cUpper[i * Size + j] < highest + 1e-9 * Math.Abs(highest))
                if (_cLower[i * Size + j] > lowest || _cUpper[i * Size + j] < highest)
                    throw new InvalidOperationException($"Interval product does not enclose the reference at ({i}, {j}).");
        }
    }

    [Benchmark(Baseline = true)]
    public void PointProduct() => PointMatMul.Multiply<float>(_aLower, _bLower, _c, Size, Size, Size);

    [Benchmark]
    public void MidpointRadiusProduct()
        => IntervalMatMul.MidpointRadius<float>(_aLower, _aUpper, _bLower, _bUpper, _cLower, _cUpper, Size, Size, Size);
}
