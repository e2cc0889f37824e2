using PoisonCert.Cli;

namespace PoisonCert.Tests.Cli;

public class CommandTests
{
    [Fact]
    public void Main_UnknownOption_ExitsWithUsageError()
        => Assert.Equal(ExitCodes.UsageError, Program.Main(["--no-such-option"]));
}
