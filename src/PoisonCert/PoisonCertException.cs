namespace PoisonCert;

/// <summary>
/// Base of every error PoisonCert raises on purpose. A run either produces a certificate or ends with one of
/// these; the message always names where the problem is (file, line, column, JSON path, option, step, tensor,
/// index), so that a user can act on it without a debugger.
/// </summary>
public class PoisonCertException : Exception
{
    public PoisonCertException(string message) : base(message) { }

    public PoisonCertException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An argument, option or configuration that cannot be used as given (exit code 2 in the CLI).</summary>
public class InvalidConfigurationException : PoisonCertException
{
    public InvalidConfigurationException(string message) : base(message) { }
}

/// <summary>
/// A computed bound that is not a bound: NaN or infinite endpoints, lower above upper, or a nominal value
/// outside its own box. Always fatal: a certificate is never produced after one of these.
/// </summary>
public sealed class BoundViolationException : PoisonCertException
{
    public BoundViolationException(string message) : base(message) { }
}
