using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class GzipContentTests
{
    [Fact]
    public void Load_TruncatedRealGzip_ThrowsInsteadOfReturningFewerRows()
    {
        using var scratch = new ScratchFolder();
        byte[] original = File.ReadAllBytes(TestData.ShippedFile("digits.csv.gz"));
        string path = scratch.Write("digits.csv.gz", original[..(original.Length / 2)]);
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path, new CsvOptions { Header = CsvHeader.None }));
        Assert.Contains(path, exception.Message);
        Assert.Contains("byte offset", exception.Message);
        Assert.Contains("gzip", exception.Message);
    }

    [Fact]
    public void Load_GzipCutBeforeTrailer_ThrowsNamingTheTrailerOffset()
    {
        using var scratch = new ScratchFolder();
        byte[] compressed = TestData.Gzip(TestData.Utf8(string.Concat(Enumerable.Repeat("1,2,0\n3,4,1\n", 200))));
        byte[] cut = compressed[..^8];
        string path = scratch.Write("cut.csv.gz", cut);
        DataAssert.ThrowsAtByte(() => CsvLoader.Load(path), path, cut.Length - 4, "truncated or corrupt gzip");
    }

    [Fact]
    public void Load_GzipWithWrongCrc_Throws()
    {
        using var scratch = new ScratchFolder();
        byte[] compressed = TestData.Gzip(TestData.Utf8("1,2,0\n3,4,1\n"));
        compressed[^8] ^= 0x01;
        string path = scratch.Write("crc.csv.gz", compressed);
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains(path, exception.Message);
        Assert.Contains("byte offset", exception.Message);
        Assert.Contains("corrupt gzip", exception.Message);
    }

    [Fact]
    public void Load_GzipWithCorruptDeflateData_Throws()
    {
        using var scratch = new ScratchFolder();
        byte[] compressed = TestData.Gzip(TestData.Utf8("1,2,0\n3,4,1\n"));
        compressed[10] = 0xFF; // first deflate block header: reserved block type 11
        string path = scratch.Write("deflate.csv.gz", compressed);
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains(path, exception.Message);
        Assert.Contains("byte offset", exception.Message);
    }

    [Fact]
    public void Load_TwoByteGzipMagicOnly_ThrowsTruncated()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("magic.gz", [0x1F, 0x8B]);
        DataAssert.ThrowsAtByte(() => CsvLoader.Load(path), path, 2, "truncated gzip file");
    }

    [Fact]
    public void Load_MissingFile_ThrowsDataFormatExceptionNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), "poisoncert-no-such-file-" + Guid.NewGuid().ToString("N") + ".csv");
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains(path, exception.Message);
    }
}
