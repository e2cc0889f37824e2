using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

internal static class DataAssert
{
    /// <summary>Asserts the loader throws a DataFormatException whose message names the file, line and column.</summary>
    public static DataFormatException ThrowsAtCell(Func<object> load, string path, int line, int column, string expectedFragment)
    {
        var exception = Assert.Throws<DataFormatException>(load);
        Assert.Contains(path, exception.Message);
        Assert.Contains($"line {line}, column {column}", exception.Message);
        Assert.Contains(expectedFragment, exception.Message);
        Assert.Equal((path, line, column), (exception.FilePath, exception.Line, exception.Column));
        return exception;
    }

    /// <summary>Asserts the loader throws a DataFormatException whose message names the file and byte offset.</summary>
    public static DataFormatException ThrowsAtByte(Func<object> load, string path, long offset, string expectedFragment)
    {
        var exception = Assert.Throws<DataFormatException>(load);
        Assert.Contains(path, exception.Message);
        Assert.Contains($"byte offset {offset}", exception.Message);
        Assert.Contains(expectedFragment, exception.Message);
        Assert.Equal(offset, exception.ByteOffset);
        return exception;
    }
}
