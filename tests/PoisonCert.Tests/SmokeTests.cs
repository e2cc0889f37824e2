namespace PoisonCert.Tests;

public class SmokeTests
{
    [Fact]
    public void Smoke_Always_Runs() => Assert.True(true);
}
