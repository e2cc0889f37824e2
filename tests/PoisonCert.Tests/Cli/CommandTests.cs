using PoisonCert.Cli;

namespace PoisonCert.Tests.Cli;

public class CommandTests
{
    [Fact]
    public void DefaultAction_ShippedWdbc_ReportsBothProductsAndNoEscapes()
    {
        using var output = new StringWriter();
        var exitCode = KernelDemonstration.Run(output);
        var text = output.ToString();
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("wdbc (569 × 30", text);
        Assert.Contains("midpoint-radius", text);
        Assert.Contains("exact sign-case", text);
        Assert.Contains(": 0 outputs outside the bounds", text);
    }

    [Fact]
    public void Main_UnknownOption_ExitsWithUsageError()
        => Assert.Equal(ExitCodes.UsageError, Program.Main(["--no-such-option"]));
}
