using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>A certificate file (or its parameters side file) that is malformed, incomplete, inconsistent or altered.</summary>
public sealed class CertificateFileException : JsonFileException
{
    public CertificateFileException(string filePath, string jsonPath, int? line, int? column, string problem)
        : base("Certificate file", filePath, jsonPath, line, column, problem)
    {
    }
}

/// <summary>A parameters file (<c>params.json</c>) that is malformed, incomplete or inconsistent.</summary>
public sealed class ParametersFileException : JsonFileException
{
    public ParametersFileException(string filePath, string jsonPath, int? line, int? column, string problem)
        : base("Parameters file", filePath, jsonPath, line, column, problem)
    {
    }
}
