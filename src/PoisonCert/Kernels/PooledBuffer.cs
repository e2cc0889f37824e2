using System.Buffers;

namespace PoisonCert.Kernels;

/// <summary>A temporary array of exactly <c>length</c> visible elements, rented from the shared pool.</summary>
internal readonly struct PooledBuffer<T> : IDisposable
{
    private readonly T[] _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        _length = length;
        _array = ArrayPool<T>.Shared.Rent(length);
    }

    public Span<T> Span => _array.AsSpan(0, _length);

    /// <summary>The rented array itself (at least the requested length), for code that cannot hold a span.</summary>
    public T[] Array => _array;

    public void Dispose() => ArrayPool<T>.Shared.Return(_array);
}
