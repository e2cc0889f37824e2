using BenchmarkDotNet.Attributes;
using PoisonCert.Kernels;

namespace PoisonCert.Benchmarks.Kernels;

/// <summary>
/// Memory-bound kernels against a plain copy of the same number of values (the baseline, in the same run):
/// the exact-form interval outer product (1024 × 1024 output, lower and upper), the element-wise interval
/// product (2²⁰ intervals), and the top-k accumulator (k = 10) streaming 512 rows of 8,192 coordinates. The
/// setup checks each result before timing.
/// </summary>
public class StreamingKernelBenchmarks
{
    private const int Side = 1024;
    private const int Rows = 512, Width = 8192, K = 10;
    private readonly float[] _columnLower = new float[Side], _columnUpper = new float[Side];
    private readonly float[] _rowLower = new float[Side], _rowUpper = new float[Side];
    private readonly float[] _outLower = new float[Side * Side], _outUpper = new float[Side * Side];
    private readonly float[] _copySource = new float[2 * Side * Side], _copyTarget = new float[2 * Side * Side];
    private readonly float[] _aLower = new float[Side * Side], _aUpper = new float[Side * Side];
    private readonly float[] _bLower = new float[Side * Side], _bUpper = new float[Side * Side];
    private readonly float[] _stream = new float[Rows * Width], _streamCopy = new float[Rows * Width];
    private readonly float[] _sums = new float[Width];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        for (var i = 0; i < Side; i++)
        {
            _columnLower[i] = Next(); _columnUpper[i] = _columnLower[i] + 0.01f;
            _rowLower[i] = Next(); _rowUpper[i] = _rowLower[i] + 0.01f;
        }
        for (var i = 0; i < _aLower.Length; i++)
        {
            _aLower[i] = Next(); _aUpper[i] = _aLower[i] + 0.01f;
            _bLower[i] = Next(); _bUpper[i] = _bLower[i] + 0.01f;
            _copySource[i] = _aLower[i];
        }
        for (var i = 0; i < _stream.Length; i++) _stream[i] = Next();

        OuterProduct();
        for (var probe = 0; probe < 100; probe++)
        {
            var o = random.Next(Side);
            var c = random.Next(Side);
            var product = (double)_columnLower[o] * _rowLower[c];
            if (_outLower[o * Side + c] > product || _outUpper[o * Side + c] < product)
                throw new InvalidOperationException("Outer product does not enclose a corner product.");
        }
        TopK();
        var column = Enumerable.Range(0, Rows).Select(r => (double)_stream[r * Width + 5]).OrderDescending().Take(K).Sum();
        if (_sums[5] < column - 1e-4) throw new InvalidOperationException("Top-k sum below the reference.");
    }

    [Benchmark(Baseline = true)]
    public void CopyOuterProductSizedOutput() => _copySource.AsSpan().CopyTo(_copyTarget);

    [Benchmark]
    public void OuterProduct() => IntervalOuterProduct.Compute<float>(_columnLower, _columnUpper, _rowLower, _rowUpper, _outLower, _outUpper);

    [Benchmark]
    public void ElementwiseProduct() => IntervalKernels.Multiply<float>(_aLower, _aUpper, _bLower, _bUpper, _outLower, _outUpper);

    [Benchmark]
    public void CopyTopKInput() => _stream.AsSpan().CopyTo(_streamCopy);

    [Benchmark]
    public void TopK()
    {
        var accumulator = new TopKAccumulator<float>(Width, K);
        accumulator.Add(_stream, Rows);
        accumulator.Sum(_sums);
    }
}
