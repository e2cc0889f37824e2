using System.Buffers.Binary;

namespace PoisonCert.Data;

/// <summary>
/// One file in the IDX format of MNIST and Fashion-MNIST: two zero bytes, a type code (0x08 unsigned byte,
/// 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, each
/// dimension as a big-endian int32, then the values big-endian in row-major order. Plain or gzip. The file must
/// hold exactly the values its header declares; every value must be finite.
/// </summary>
internal sealed class IdxFile
{
    private IdxFile(string path, int[] dimensions, double[] values, SourceFile source, string offsetContext)
    {
        OffsetContext = offsetContext;
        Path = path;
        Dimensions = dimensions;
        Values = values;
        Source = source;
    }

    public string Path { get; }

    public int[] Dimensions { get; }

    public double[] Values { get; }

    public SourceFile Source { get; }

    /// <summary>" (of the decompressed data)" for a gzip file, so later messages say which offsets they mean.</summary>
    public string OffsetContext { get; }

    /// <summary>Values per item: the product of every dimension after the first.</summary>
    public long ItemSize => Dimensions.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);

    public static IdxFile Read(string path, long maximumValues)
    {
        DataFileContent content = DataFileContent.Read(path);
        byte[] bytes = content.Bytes;
        string where = content.OffsetContext;
        if (bytes.Length < 4)
        {
            throw DataFormatException.AtByte(path, bytes.Length, $"truncated IDX header{where}: expected 4 magic bytes, found {bytes.Length}");
        }
        if (bytes[0] != 0 || bytes[1] != 0)
        {
            throw DataFormatException.AtByte(path, bytes[0] != 0 ? 0 : 1,
                $"wrong IDX magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):x8}{where}: expected 0x0000TTDD (two zero bytes, type, dimension count)");
        }
        int elementSize = bytes[2] switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, 0x0E => 8, _ => 0 };
        if (elementSize == 0)
        {
            throw DataFormatException.AtByte(path, 2,
                $"unknown IDX type code 0x{bytes[2]:x2}{where}: expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e");
        }
        int dimensionCount = bytes[3];
        if (dimensionCount == 0)
        {
            throw DataFormatException.AtByte(path, 3, $"IDX dimension count 0{where}: expected at least 1");
        }
        int headerLength = 4 + 4 * dimensionCount;
        if (bytes.Length < headerLength)
        {
            throw DataFormatException.AtByte(path, bytes.Length,
                $"truncated IDX header{where}: expected {dimensionCount} dimensions ending at byte {headerLength}, the file ends at {bytes.Length}");
        }
        var dimensions = new int[dimensionCount];
        long valueCount = 1;
        for (int index = 0; index < dimensionCount; index++)
        {
            int offset = 4 + 4 * index;
            dimensions[index] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset, 4));
            if (dimensions[index] < 0)
            {
                throw DataFormatException.AtByte(path, offset, $"IDX dimension {index} is {dimensions[index]}{where}: expected a non-negative size");
            }
            valueCount = Math.Min(valueCount * dimensions[index], long.MaxValue / 16);
        }
        long expectedLength = headerLength + valueCount * elementSize;
        if (bytes.LongLength != expectedLength)
        {
            string kind = bytes.LongLength < expectedLength ? "truncated IDX data" : "trailing bytes after the IDX data";
            throw DataFormatException.AtByte(path, Math.Min(bytes.LongLength, expectedLength),
                $"{kind}{where}: the header declares {string.Join(" × ", dimensions)} values of {elementSize} bytes, expected {expectedLength} bytes in all, found {bytes.LongLength}");
        }
        if (valueCount > maximumValues)
        {
            throw DataFormatException.AtByte(path, 4,
                $"the IDX header declares {valueCount} values{where}: expected at most {maximumValues}");
        }
        return new IdxFile(path, dimensions, Decode(path, bytes, headerLength, bytes[2], (int)valueCount, where), content.Source, where);
    }

    private static double[] Decode(string path, byte[] bytes, int headerLength, byte typeCode, int count, string where)
    {
        var values = new double[count];
        ReadOnlySpan<byte> data = bytes.AsSpan(headerLength);
        for (int index = 0; index < count; index++)
        {
            double value = typeCode switch
            {
                0x08 => data[index],
                0x09 => (sbyte)data[index],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(data.Slice(2 * index, 2)),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(data.Slice(4 * index, 4)),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(data.Slice(4 * index, 4)),
                _ => BinaryPrimitives.ReadDoubleBigEndian(data.Slice(8 * index, 8)),
            };
            if (!double.IsFinite(value))
            {
                long offset = headerLength + (long)index * (typeCode == 0x0D ? 4 : 8);
                throw DataFormatException.AtByte(path, offset, $"IDX value {index} is {value}{where}: expected a finite number");
            }
            values[index] = value;
        }
        return values;
    }
}
