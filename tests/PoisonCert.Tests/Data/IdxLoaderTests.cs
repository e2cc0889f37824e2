using System.Buffers.Binary;
using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class IdxLoaderTests
{
    private static byte[] Idx(byte typeCode, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dimensions.Length;
        for (int index = 0; index < dimensions.Length; index++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * index), dimensions[index]);
        }
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    private static (string Images, string Labels) WritePair(ScratchFolder scratch, byte[] images, byte[] labels, bool gzip = false) =>
        (scratch.Write("images.idx", gzip ? TestData.Gzip(images) : images), scratch.Write("labels.idx", gzip ? TestData.Gzip(labels) : labels));

    private static readonly byte[] TwoImages = Idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    private static readonly byte[] TwoLabels = Idx(0x08, [2], [7, 3]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_ByteImages_FlattensRowMajorPlainOrGzip(bool gzip)
    {
        using var scratch = new ScratchFolder();
        (string images, string labels) = WritePair(scratch, TwoImages, TwoLabels, gzip);
        Dataset dataset = IdxLoader.Load(images, labels);
        Assert.Equal((2, 6, 10), (dataset.Rows, dataset.Columns, dataset.ClassCount));
        Assert.Equal([250.0, 251, 252, 253, 254, 255], dataset.Row(1).ToArray());
        Assert.Equal([7, 3], dataset.Labels.ToArray());
    }

    [Fact]
    public void Load_BigEndianFloatImages_DecodesValues()
    {
        using var scratch = new ScratchFolder();
        var data = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(4), -0.25f);
        (string images, string labels) = WritePair(scratch, Idx(0x0D, [1, 2], data), Idx(0x08, [1], [0]));
        Assert.Equal([1.5, -0.25], IdxLoader.Load(images, labels).Features.ToArray());
    }

    [Fact]
    public void Load_WrongMagic_ThrowsAtByteZero()
    {
        using var scratch = new ScratchFolder();
        byte[] images = (byte[])TwoImages.Clone();
        images[0] = 0x12;
        (string imagesPath, string labels) = WritePair(scratch, images, TwoLabels);
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(imagesPath, labels), imagesPath, 0, "wrong IDX magic number");
    }

    [Fact]
    public void Load_UnknownTypeCode_ThrowsAtByteTwo()
    {
        using var scratch = new ScratchFolder();
        byte[] images = (byte[])TwoImages.Clone();
        images[2] = 0x07;
        (string imagesPath, string labels) = WritePair(scratch, images, TwoLabels);
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(imagesPath, labels), imagesPath, 2, "unknown IDX type code 0x07");
    }

    [Fact]
    public void Load_TruncatedData_ThrowsAtEndOfFile()
    {
        using var scratch = new ScratchFolder();
        byte[] images = TwoImages[..^3];
        (string imagesPath, string labels) = WritePair(scratch, images, TwoLabels);
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(imagesPath, labels), imagesPath, images.Length, "truncated IDX data");
    }

    [Fact]
    public void Load_TrailingBytes_Throws()
    {
        using var scratch = new ScratchFolder();
        (string images, string labelsPath) = WritePair(scratch, TwoImages, [.. TwoLabels, 9]);
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(images, labelsPath), labelsPath, TwoLabels.Length, "trailing bytes");
    }

    [Fact]
    public void Load_LabelOutOfRange_ThrowsAtItsByte()
    {
        using var scratch = new ScratchFolder();
        (string images, string labelsPath) = WritePair(scratch, TwoImages, Idx(0x08, [2], [7, 10]));
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(images, labelsPath), labelsPath, 9, "label 10 of item 1 out of range");
    }

    [Fact]
    public void Load_LabelCountDiffers_Throws()
    {
        using var scratch = new ScratchFolder();
        (string images, string labelsPath) = WritePair(scratch, TwoImages, Idx(0x08, [1], [7]));
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(images, labelsPath), labelsPath, 4, "expected one label per image");
    }

    [Fact]
    public void Load_NaNFloat_ThrowsAtItsOffset()
    {
        using var scratch = new ScratchFolder();
        var data = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(4), float.NaN);
        (string images, string labels) = WritePair(scratch, Idx(0x0D, [1, 2], data), Idx(0x08, [1], [0]));
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(images, labels), images, 16, "expected a finite number");
    }

    [Fact]
    public void Load_EmptyFile_Throws()
    {
        using var scratch = new ScratchFolder();
        (string images, string labels) = WritePair(scratch, [], TwoLabels);
        DataAssert.ThrowsAtByte(() => IdxLoader.Load(images, labels), images, 0, "truncated IDX header");
    }

    [RequiresDatasetCacheFact("fashion-mnist-test")]
    public void Load_FashionMnistLabelsAsImages_ThrowsDimensionError()
    {
        IReadOnlyList<string> paths = TestData.Registry().PathsOf("fashion-mnist-test");
        var exception = Assert.Throws<DataFormatException>(() => IdxLoader.Load(paths[1], paths[1]));
        Assert.Contains("at least 2 dimensions", exception.Message);
    }
}
