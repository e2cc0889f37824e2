using System.Text.Json;
using PoisonCert.Certification;
using PoisonCert.Runs;
using PoisonCert.Tests.Certification;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Runs;

public class SchemaTests
{
    [Theory]
    [MemberData(nameof(ExampleRunTests.ExampleNames), MemberType = typeof(ExampleRunTests))]
    public void RunSchema_ExampleAsGivenAndResolved_Conforms(string name)
    {
        string path = Path.Combine(Examples.Folder, name);
        Assert.Empty(SchemaConformance.Check("run.schema.json", File.ReadAllText(path)));
        Assert.Empty(SchemaConformance.Check("run.schema.json", RunFile.Load(path).Resolve().ToJson()));
    }

    [Fact]
    public void RunSchema_UnknownOrMistypedField_IsCaughtByTheCheck()
    {
        Assert.NotEmpty(SchemaConformance.Check("run.schema.json", """{ "dataset": { "name": "wdbc" }, "epochs": 2 }"""));
        Assert.NotEmpty(SchemaConformance.Check("run.schema.json", """{ "dataset": { "name": "wdbc" }, "training": { "batchSize": "64" } }"""));
        Assert.NotEmpty(SchemaConformance.Check("run.schema.json", """{ "scaling": "standard" }"""));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(0L)]
    public void CertificateSchema_WrittenCertificate_ConformsWithItsResolvedRun(long threshold)
    {
        using var scratch = new ScratchFolder();
        string path = Path.Combine(scratch.Path, "certificate.json");
        CertificateSamples.FromExample("wdbc.json").Write(path, new CertificateWriteOptions { SideFileThresholdBytes = threshold });
        string json = File.ReadAllText(path);
        Assert.Empty(SchemaConformance.Check("certificate.schema.json", json));
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Empty(SchemaConformance.Check("run.schema.json", document.RootElement.GetProperty("run").GetProperty("resolved").GetRawText()));
        Assert.Empty(SchemaConformance.Check("run.schema.json", document.RootElement.GetProperty("run").GetProperty("given").GetString()!));
    }

    [Fact]
    public void ParamsSchema_WrittenParameters_Conform()
    {
        string json = ParametersFile.FromCertificate(CertificateSamples.FromExample("diabetes-regression.json")).ToJson();
        Assert.Empty(SchemaConformance.Check("params.schema.json", json));
    }
}
