using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace PoisonCert.Data;

/// <summary>
/// The bytes of one data file, decompressed if the file starts with the gzip magic bytes 1f 8b, and the
/// <see cref="SourceFile"/> (path, SHA-256 of the bytes on disk, length) to record. Gzip files must be a single
/// gzip member (what the gzip tool writes); the member's CRC-32 and length trailer is checked against the
/// decompressed data, so a truncated or bit-flipped file is reported instead of silently yielding fewer rows.
/// </summary>
internal sealed class DataFileContent
{
    private const int GzipHeaderAndTrailerMinimum = 18;

    private DataFileContent(string path, byte[] bytes, bool wasGzip, SourceFile source)
    {
        Path = path;
        Bytes = bytes;
        WasGzip = wasGzip;
        Source = source;
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    public bool WasGzip { get; }

    public SourceFile Source { get; }

    /// <summary>"byte offset" or "byte offset of the decompressed data", for messages about binary content.</summary>
    public string OffsetContext => WasGzip ? " (of the decompressed data)" : "";

    public static DataFileContent Read(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw DataFormatException.InFile(path, $"cannot be read: {exception.Message}");
        }
        var source = new SourceFile(path, Convert.ToHexStringLower(SHA256.HashData(raw)), raw.LongLength);
        if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            return new DataFileContent(path, Decompress(path, raw), true, source);
        }
        return new DataFileContent(path, raw, false, source);
    }

    private static byte[] Decompress(string path, byte[] raw)
    {
        if (raw.Length < GzipHeaderAndTrailerMinimum)
        {
            throw DataFormatException.AtByte(path, raw.Length,
                $"truncated gzip file: expected at least {GzipHeaderAndTrailerMinimum} bytes (header and trailer), found {raw.Length}");
        }
        var compressed = new MemoryStream(raw, writable: false);
        var output = new MemoryStream(raw.Length * 4);
        try
        {
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            gzip.CopyTo(output);
        }
        catch (InvalidDataException exception)
        {
            throw DataFormatException.AtByte(path, compressed.Position,
                $"corrupt gzip data ({exception.Message}); expected a valid deflate stream");
        }
        byte[] decompressed = output.ToArray();
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 8, 4));
        uint expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4, 4));
        uint actualLength = unchecked((uint)decompressed.LongLength);
        if (actualLength != expectedLength)
        {
            throw DataFormatException.AtByte(path, raw.Length - 4,
                $"truncated or corrupt gzip file: the trailer says {expectedLength} decompressed bytes, the data gave {decompressed.LongLength} (only single-member gzip files are read)");
        }
        uint actualCrc = Crc32.Compute(decompressed);
        if (actualCrc != expectedCrc)
        {
            throw DataFormatException.AtByte(path, raw.Length - 8,
                $"corrupt gzip file: the trailer's CRC-32 is {expectedCrc:x8}, the decompressed data's is {actualCrc:x8}");
        }
        return decompressed;
    }
}
