namespace PoisonCert.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("poisoncert " + typeof(Program).Assembly.GetName().Version);
        return 0;
    }
}
