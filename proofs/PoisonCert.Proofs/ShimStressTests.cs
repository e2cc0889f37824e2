namespace PoisonCert.Proofs;

/// <summary>
/// The managed Z3 wrapper releases native objects from the finalizer thread while the owning thread works in
/// Z3. This test runs many small queries while another thread forces collections and finalizers continuously; a
/// shim that forwarded those releases unsynchronised would crash the process (the test host then fails the run).
/// </summary>
public class ShimStressTests
{
    [Fact]
    public void ManyQueries_UnderForcedCollections_AllAnswerCorrectly()
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (var round = 0; round < 20; round++)
            {
                using var session = new ProofSession();
                var z = session.Context;
                for (var query = 0; query < 10; query++)
                {
                    var x = session.Real($"x{query}");
                    var bound = z.MkReal(round * 10 + query + 1);
                    // x ≤ b implies x < b + 1: always holds; allocating fresh expressions feeds the finalizer.
                    session.Prove(z.MkLt(x, z.MkAdd(bound, z.MkReal(1))), [z.MkLe(x, bound)]);
                    Assert.False(session.Holds(z.MkLt(x, bound), [z.MkLe(x, bound)]));
                }
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
