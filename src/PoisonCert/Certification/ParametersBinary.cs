using System.Buffers.Binary;
using System.Text;
using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>
/// The binary side file of a certificate (docs/formats.md, "parameters.bin"), all integers and floats
/// little-endian IEEE 754:
/// <code>
/// 8 bytes   magic "PCPARAM1"
/// uint32    element size: 4 (float32) or 8 (float64)
/// uint32    tensor count N
/// N times:  uint32 name length L, L bytes UTF-8 name, uint32 rank R, R × uint32 dimensions,
///           then lower, nominal and upper values, each product(dimensions) elements, row-major
/// </code>
/// and nothing after the last tensor.
/// </summary>
internal static class ParametersBinary
{
    public const string LayoutName = "PCPARAM1";
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes(LayoutName);

    public static byte[] Encode(IReadOnlyList<ParameterBounds> parameters)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write((uint)(parameters.Count == 0 ? sizeof(float) : parameters[0].Lower.ElementSize));
        writer.Write((uint)parameters.Count);
        foreach (ParameterBounds tensor in parameters)
        {
            byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
            writer.Write((uint)name.Length);
            writer.Write(name);
            writer.Write((uint)tensor.Shape.Count);
            foreach (int dimension in tensor.Shape)
            {
                writer.Write((uint)dimension);
            }
            foreach (ParameterValues values in new[] { tensor.Lower, tensor.Nominal, tensor.Upper })
            {
                // BinaryWriter writes little-endian on every platform.
                if (values.Precision == NumericPrecision.Float32)
                {
                    foreach (float value in values.Single) writer.Write(value);
                }
                else
                {
                    foreach (double value in values.Double) writer.Write(value);
                }
            }
        }
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Decodes the side file; <paramref name="fail"/> makes the error for a byte offset and problem.</summary>
    public static List<ParameterBounds> Decode(ReadOnlySpan<byte> bytes, NumericPrecision precision, Func<long, string, Exception> fail)
    {
        int offset = 0;
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw fail(0, $"expected the magic bytes \"{LayoutName}\"");
        }
        offset += Magic.Length;
        uint elementSize = ReadUInt32(bytes, ref offset, fail);
        int expectedSize = precision == NumericPrecision.Float32 ? 4 : 8;
        if (elementSize != expectedSize)
        {
            throw fail(offset - 4, $"element size {elementSize}, but the run's precision {RunVocabulary.Precision.Name(precision)} needs {expectedSize}");
        }
        uint count = ReadUInt32(bytes, ref offset, fail);
        var tensors = new List<ParameterBounds>();
        for (uint index = 0; index < count; index++)
        {
            int nameLength = (int)Math.Min(ReadUInt32(bytes, ref offset, fail), int.MaxValue);
            Need(bytes, offset, nameLength, fail, "the tensor name");
            string name = Encoding.UTF8.GetString(bytes.Slice(offset, nameLength));
            offset += nameLength;
            uint rank = ReadUInt32(bytes, ref offset, fail);
            if (rank is 0 or > 16)
            {
                throw fail(offset - 4, $"tensor '{name}' has rank {rank}: expected 1 to 16");
            }
            var shape = new int[rank];
            long elements = 1;
            for (int axis = 0; axis < rank; axis++)
            {
                uint dimension = ReadUInt32(bytes, ref offset, fail);
                if (dimension is 0 or > int.MaxValue)
                {
                    throw fail(offset - 4, $"tensor '{name}' dimension {axis} is {dimension}: expected a positive 32-bit size");
                }
                shape[axis] = (int)dimension;
                elements *= dimension;
                if (elements > int.MaxValue)
                {
                    throw fail(offset - 4, $"tensor '{name}' holds more than {int.MaxValue} values");
                }
            }
            var parts = new ParameterValues[3];
            for (int part = 0; part < 3; part++)
            {
                int length = (int)elements;
                Need(bytes, offset, (long)length * expectedSize, fail, $"the values of tensor '{name}'");
                ReadOnlySpan<byte> span = bytes.Slice(offset, length * expectedSize);
                if (precision == NumericPrecision.Float32)
                {
                    var values = new float[length];
                    for (int element = 0; element < length; element++)
                    {
                        values[element] = BinaryPrimitives.ReadSingleLittleEndian(span[(element * 4)..]);
                    }
                    parts[part] = ParameterValues.Of(values);
                }
                else
                {
                    var values = new double[length];
                    for (int element = 0; element < length; element++)
                    {
                        values[element] = BinaryPrimitives.ReadDoubleLittleEndian(span[(element * 8)..]);
                    }
                    parts[part] = ParameterValues.Of(values);
                }
                offset += length * expectedSize;
            }
            tensors.Add(new ParameterBounds(name, shape, parts[0], parts[1], parts[2]));
        }
        if (offset != bytes.Length)
        {
            throw fail(offset, $"{bytes.Length - offset} bytes follow the last tensor: expected the file to end here");
        }
        return tensors;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, ref int offset, Func<long, string, Exception> fail)
    {
        Need(bytes, offset, 4, fail, "a 32-bit count");
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
        offset += 4;
        return value;
    }

    private static void Need(ReadOnlySpan<byte> bytes, int offset, long count, Func<long, string, Exception> fail, string what)
    {
        if (offset + count > bytes.Length)
        {
            throw fail(offset, $"the file ends after {bytes.Length} bytes, inside {what}: the file is truncated");
        }
    }
}
