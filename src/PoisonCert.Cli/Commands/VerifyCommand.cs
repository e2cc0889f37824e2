using System.CommandLine;
using PoisonCert.Certification;
using PoisonCert.Cli.Engine;

namespace PoisonCert.Cli.Commands;

/// <summary><c>poisoncert verify certificate.json [--params params.json]</c>.</summary>
internal static class VerifyCommand
{
    public static Command Create(CommandContext context)
    {
        var certificate = OptionParsers.ExistingFileArgument("CERTIFICATE", "The certificate (certificate.json) to check.", required: true);
        var parameters = OptionParsers.ExistingFile("--params", "Also check that these parameters (params.json) lie inside the certified box.");
        var command = new Command("verify", "Check a certificate: its structure and checksums now, then the engine's re-derivation of the bounds.") { certificate, parameters };
        command.SetAction(parsed => context.Guard("verify", () =>
        {
            string path = parsed.GetValue(certificate)!;
            CertificateFile read = CertificateFile.Read(path);
            string? parametersPath = parsed.GetValue(parameters);
            if (parametersPath is not null && !ParametersFile.Read(parametersPath).MatchesLayoutOf(read))
            {
                context.Error.WriteLine($"poisoncert verify: the parameters in '{parametersPath}' do not have the certificate's tensor names, shapes, order and precision.");
                return ExitCodes.Refused;
            }
            return context.Engine.Verify(new VerifyRequest(path, read, parametersPath), context.Output, context.Progress(context.Output));
        }));
        return command;
    }
}
