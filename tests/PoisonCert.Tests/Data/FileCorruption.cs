using System.IO.Compression;

namespace PoisonCert.Tests.Data;

/// <summary>The kinds of damage the fuzz tests do to a real data file.</summary>
public enum Corruption
{
    Truncate,
    FlipBytes,
    InsertGarbage,
    DeleteSeparators,
}

/// <summary>Seeded random corruptions of a file's bytes: truncation, bit flips, inserted garbage cells, deleted separators.</summary>
internal static class FileCorruption
{
    private static readonly string[] GarbageTokens =
        ["abc", "NaN", "Infinity", "1e999", ",", "\n", " ", ";", "\"", ":", "1:2", "0:5", "-", "{", "}", "[", "]", "null", "NA", "?", "é", "\t", "99999999999", "-1", "7"];

    private static readonly byte[] Separators = [(byte)',', (byte)' ', (byte)'\n', (byte)':', (byte)'{', (byte)'"'];

    /// <summary>Gzip files are corrupted either in their compressed bytes or in their text, then recompressed.</summary>
    public static byte[] Apply(byte[] bytes, Corruption corruption, Random random)
    {
        bool gzip = bytes.Length > 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
        if (!gzip || random.Next(2) == 0)
        {
            return Corrupt(bytes, corruption, random);
        }
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var text = new MemoryStream();
        input.CopyTo(text);
        return TestData.Gzip(Corrupt(text.ToArray(), corruption, random));
    }

    private static byte[] Corrupt(byte[] bytes, Corruption corruption, Random random)
    {
        switch (corruption)
        {
            case Corruption.Truncate:
                return bytes[..random.Next(bytes.Length)];
            case Corruption.FlipBytes:
                byte[] flipped = (byte[])bytes.Clone();
                for (int count = random.Next(1, 6); count > 0; count--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }
                return flipped;
            case Corruption.InsertGarbage:
                var inserted = new List<byte>(bytes);
                for (int count = random.Next(1, 4); count > 0; count--)
                {
                    inserted.InsertRange(random.Next(inserted.Count + 1), TestData.Utf8(GarbageTokens[random.Next(GarbageTokens.Length)]));
                }
                return [.. inserted];
            default:
                var deleted = new List<byte>(bytes);
                for (int count = random.Next(1, 4); count > 0; count--)
                {
                    byte separator = Separators[random.Next(Separators.Length)];
                    int start = random.Next(deleted.Count);
                    int at = deleted.IndexOf(separator, start);
                    if (at >= 0)
                    {
                        deleted.RemoveAt(at);
                    }
                }
                return [.. deleted];
        }
    }

}
