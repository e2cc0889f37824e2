using PoisonCert.Certification;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Certification;

public class ParametersFileTests
{
    [Fact]
    public void FromCertificate_WriteRead_KeepsNamesShapesOrderAndBits()
    {
        using var scratch = new ScratchFolder();
        CertificateFile certificate = CertificateSamples.FromExample("iris.json");
        ParametersFile parameters = ParametersFile.FromCertificate(certificate);
        string path = Path.Combine(scratch.Path, "params.json");
        parameters.Write(path);
        ParametersFile read = ParametersFile.Read(path);
        Assert.True(read.MatchesLayoutOf(certificate));
        Assert.Equal(NumericPrecision.Float64, read.Precision);
        foreach ((ParameterBounds bounds, ParameterTensor tensor) in certificate.Parameters.Zip(read.Parameters))
        {
            Assert.True(bounds.Nominal.BitwiseEquals(tensor.Values), tensor.Name);
        }
        Assert.Equal(File.ReadAllText(path), read.ToJson());
    }

    [Fact]
    public void MatchesLayoutOf_OtherShape_IsFalse()
    {
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        ParametersFile parameters = ParametersFile.FromCertificate(certificate);
        ParametersFile reordered = parameters with { Parameters = [.. parameters.Parameters.Reverse()] };
        Assert.False(reordered.MatchesLayoutOf(certificate));
    }

    [Theory]
    [InlineData("{\"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"x\", \"precision\": \"float32\", \"parameters\": [{\"name\": \"w\", \"shape\": [2], \"values\": [1]}]}", "$.parameters[0].values")]
    [InlineData("{\"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"x\", \"precision\": \"float32\", \"parameters\": [{\"name\": \"w\", \"shape\": [1], \"values\": [1], \"grad\": []}]}", "$.parameters[0].grad")]
    [InlineData("{\"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"x\", \"precision\": \"float32\", \"parameters\": [{\"name\": \"w\", \"shape\": [1], \"values\": [\"1\"]}]}", "$.parameters[0].values[0]")]
    [InlineData("{\"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"x\", \"precision\": \"float32\", \"parameters\": [{\"name\": \"w\", \"shape\": [1], \"values\": [1]}, {\"name\": \"w\", \"shape\": [1], \"values\": [1]}]}", "$.parameters[1]")]
    [InlineData("{\"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"x\", \"precision\": \"float32\", \"parameters\": [{\"name\": \"w\", \"shape\": [1], \"values\": [1]}", "$.parameters")]
    public void Read_BadContent_IsRejectedAtItsPath(string text, string path)
    {
        using var scratch = new ScratchFolder();
        string file = scratch.Write("params.json", text);
        var error = Assert.Throws<ParametersFileException>(() => ParametersFile.Read(file));
        Assert.Equal(path, error.JsonPath);
        Assert.Contains("params.json", error.Message);
    }

    [Fact]
    public void ToJson_InfiniteValue_IsRefused()
    {
        var file = new ParametersFile("x", NumericPrecision.Float32, [new ParameterTensor("w", [2], ParameterValues.Of([1f, float.PositiveInfinity]))]);
        Assert.Contains("$.parameters[0].values[1]", Assert.Throws<BoundViolationException>(() => file.ToJson()).Message);
    }
}
