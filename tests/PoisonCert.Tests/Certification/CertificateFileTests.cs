using System.Text;
using FsCheck.Xunit;
using PoisonCert.Certification;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Certification;

public class CertificateFileTests
{
    [Theory]
    [InlineData("wdbc.json")]
    [InlineData("iris.json")]
    [InlineData("diabetes-regression.json")]
    public void WriteRead_InlineArrays_RoundTripBitForBit(string example)
    {
        using var scratch = new ScratchFolder();
        CertificateFile certificate = CertificateSamples.FromExample(example);
        string path = Path.Combine(scratch.Path, "certificate.json");
        certificate.Write(path);
        Assert.False(File.Exists(Path.Combine(scratch.Path, "parameters.bin")));
        CertificateFile read = CertificateFile.Read(path);
        CertificateSamples.AssertBitwiseEqual(certificate, read);
        Assert.Equal(certificate.ToJson(), read.ToJson());
        Assert.Equal(File.ReadAllText(path), certificate.ToJson());
        Assert.Equal(certificate.Run.GivenJson, read.Run.GivenJson);
        Assert.Equal(certificate.Run.Resolved.ToJson(), read.Run.Resolved.ToJson());
        Assert.Equal(certificate.Metrics, read.Metrics);
        Assert.Equal(certificate.Timings, read.Timings);
        Assert.Equal(certificate.DataFiles, read.DataFiles);
        Assert.Equal(certificate.Created, read.Created);
        Assert.Single(Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void ToJson_RecordsProvenanceThreatAndSplit()
    {
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        string json = certificate.ToJson();
        Assert.Contains("\"format\": \"poisoncert-certificate\"", json);
        Assert.Contains($"\"sha256\": \"{certificate.Run.Sha256}\"", json);
        Assert.Contains(certificate.DataFiles[0].Sha256, json);
        Assert.Contains("up to 1 of every 128 training points per batch may have their features moved by at most 0.01 in ℓ∞ norm", json);
        Assert.Contains("\"method\": \"splitmix64-fisher-yates-stratified\"", json);
        Assert.Contains("\"precision\": \"float32\"", json);
        Assert.Contains("\"lower\": [-1E-45, -1E-45, 0, -3E-45, 3.4028235E+38", json);
    }

    [Fact]
    public void Write_AboveThreshold_PutsArraysInSideFileWithItsSha256()
    {
        using var scratch = new ScratchFolder();
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        string path = Path.Combine(scratch.Path, "certificate.json");
        certificate.Write(path, new CertificateWriteOptions { SideFileThresholdBytes = 0 });
        string binary = Path.Combine(scratch.Path, "parameters.bin");
        Assert.True(File.Exists(binary));
        byte[] bytes = File.ReadAllBytes(binary);
        Assert.Equal("PCPARAM1"u8.ToArray(), bytes[..8]);
        Assert.Equal(4, BitConverter.ToInt32(bytes, 8));
        Assert.Equal(certificate.Parameters.Count, BitConverter.ToInt32(bytes, 12));
        string json = File.ReadAllText(path);
        Assert.Contains("\"parametersFile\"", json);
        Assert.DoesNotContain("\"lower\"", json);
        CertificateFile read = CertificateFile.Read(path);
        CertificateSamples.AssertBitwiseEqual(certificate, read);
        Assert.Equal("parameters.bin", read.SideFile!.FileName);
        Assert.Equal(bytes.LongLength, read.SideFile.Length);
    }

    [Fact]
    public void Read_AlteredSideFile_IsRejected()
    {
        using var scratch = new ScratchFolder();
        string path = Path.Combine(scratch.Path, "certificate.json");
        CertificateSamples.FromExample("iris.json").Write(path, new CertificateWriteOptions { SideFileThresholdBytes = 0 });
        string binary = Path.Combine(scratch.Path, "parameters.bin");
        byte[] bytes = File.ReadAllBytes(binary);
        bytes[^1] ^= 1;
        File.WriteAllBytes(binary, bytes);
        var error = Assert.Throws<CertificateFileException>(() => CertificateFile.Read(path));
        Assert.Equal("$.parametersFile.sha256", error.JsonPath);
        Assert.Contains("altered or truncated", error.Message);
        File.WriteAllBytes(binary, bytes[..^9]);
        Assert.Contains("altered or truncated", Assert.Throws<CertificateFileException>(() => CertificateFile.Read(path)).Message);
    }

    [Fact]
    public void Write_NaNInParameters_ThrowsAndLeavesNoFile()
    {
        using var scratch = new ScratchFolder();
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        ParameterBounds first = certificate.Parameters[0];
        float[] upper = first.Upper.Single.ToArray();
        upper[3] = float.NaN;
        CertificateFile broken = certificate with { Parameters = [first with { Upper = ParameterValues.Of(upper) }, .. certificate.Parameters.Skip(1)] };
        string path = Path.Combine(scratch.Path, "certificate.json");
        var error = Assert.Throws<BoundViolationException>(() => broken.Write(path));
        Assert.Contains("$.parameters[0].upper[3]", error.Message);
        Assert.Contains("NaN", error.Message);
        Assert.Empty(Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void Write_LowerAboveUpper_IsABoundViolation()
    {
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        ParameterBounds first = certificate.Parameters[0];
        CertificateFile swapped = certificate with { Parameters = [first with { Lower = first.Upper, Upper = first.Lower }, .. certificate.Parameters.Skip(1)] };
        Assert.Contains("lower ≤ nominal ≤ upper", Assert.Throws<BoundViolationException>(() => swapped.ToJson()).Message);
    }

    [Fact]
    public void Write_FailureOverExistingCertificate_KeepsTheOldOne()
    {
        using var scratch = new ScratchFolder();
        string path = Path.Combine(scratch.Path, "certificate.json");
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        certificate.Write(path);
        string before = File.ReadAllText(path);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("{ \"half"u8);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(scratch.Path));
    }

    private static CertificateFileException ReadsText(string text)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("certificate.json", text);
        return Assert.Throws<CertificateFileException>(() => CertificateFile.Read(path));
    }

    [Fact]
    public void Read_TruncatedFile_ReportsMalformedJsonWithPosition()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        var error = ReadsText(json[..(json.Length / 2)]);
        Assert.Contains("malformed JSON", error.Message);
        Assert.NotNull(error.Line);
        Assert.NotNull(error.Column);
    }

    [Fact]
    public void Read_NaNLiteralInArray_IsMalformedJson()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        int at = json.IndexOf("\"nominal\": [", StringComparison.Ordinal) + "\"nominal\": [".Length;
        var error = ReadsText(json[..at] + "NaN, " + json[at..]);
        Assert.Contains("malformed JSON", error.Message);
        Assert.StartsWith("$.parameters[0].nominal", error.JsonPath);
    }

    [Fact]
    public void Read_Float32Overflow_IsRejectedAsNonFinite()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        var error = ReadsText(json.Replace("3.4028235E+38", "3.5E+38"));
        Assert.Equal("$.parameters[0].lower[4]", error.JsonPath);
        Assert.Contains("finite float32", error.Message);
    }

    [Fact]
    public void Read_UnknownField_NamesItsPath()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        var error = ReadsText(json.Replace("\"timings\": [", "\"timing\": 1,\n  \"timings\": ["));
        Assert.Equal("$.timing", error.JsonPath);
        Assert.Contains("unknown field 'timing'", error.Message);
    }

    [Theory]
    [InlineData("\n  \"precision\": \"float32\"", "\n  \"precision\": \"float64\"", "$.precision")]
    [InlineData("\"testFraction\": 0.2,\n    \"stratified\"", "\"testFraction\": 0.25,\n    \"stratified\"", "$.split")]
    [InlineData("\"epsilon\": 0.01", "\"epsilon\": 0.02", "$.threatModel")]
    [InlineData("\"batchSize\": 128,\n    \"threat\"", "\"batchSize\": 32,\n    \"threat\"", "$.threatModel.batchSize")]
    [InlineData("\"format\": \"poisoncert-certificate\"", "\"format\": \"something-else\"", "$.format")]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": 2", "$.formatVersion")]
    [InlineData("\"learningRate\": 0.1,", "\"learningRate\": -0.1,", "$.run.resolved.training.learningRate")]
    [InlineData("\"fittedOnRows\":", "\"fittedOnRows\": 1, \"bogus\":", "$.scaling.bogus")]
    public void Read_InconsistentOrInvalidValue_IsRejectedAtItsPath(string find, string replace, string path)
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        Assert.Contains(find, json);
        var error = ReadsText(json.Replace(find, replace));
        Assert.StartsWith(path, error.JsonPath);
    }

    [Fact]
    public void Read_AlteredRunText_IsRejectedByItsSha256()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        var error = ReadsText(json.Replace("\\\"name\\\": \\\"wdbc-mlp\\\"", "\\\"name\\\": \\\"wdbc-mlq\\\""));
        Assert.Equal("$.run.sha256", error.JsonPath);
    }

    [Fact]
    public void Read_NominalOutsideBox_IsRejected()
    {
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        int at = json.IndexOf("\"nominal\": [", StringComparison.Ordinal) + "\"nominal\": [".Length;
        int comma = json.IndexOf(',', at);
        var error = ReadsText(json[..at] + "5" + json[comma..]);
        Assert.Equal("$.parameters[0].nominal[0]", error.JsonPath);
    }

    [Property(MaxTest = 200)]
    public bool InlineArrays_AnyFiniteBits_RoundTrip(int[] bits, long[] doubleBits)
    {
        float[] singles = [.. (bits ?? []).Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite).DefaultIfEmpty(1f)];
        double[] doubles = [.. (doubleBits ?? []).Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite).DefaultIfEmpty(1.0)];
        var singlesFile = new ParametersFile("test", NumericPrecision.Float32, [new ParameterTensor("w", [singles.Length], ParameterValues.Of(singles))]);
        var doublesFile = new ParametersFile("test", NumericPrecision.Float64, [new ParameterTensor("w", [doubles.Length], ParameterValues.Of(doubles))]);
        using var scratch = new ScratchFolder();
        string singlesPath = scratch.Write("single.json", singlesFile.ToJson());
        string doublesPath = scratch.Write("double.json", doublesFile.ToJson());
        return ParametersFile.Read(singlesPath).Parameters[0].Values.BitwiseEquals(singlesFile.Parameters[0].Values)
            && ParametersFile.Read(doublesPath).Parameters[0].Values.BitwiseEquals(doublesFile.Parameters[0].Values);
    }
}
