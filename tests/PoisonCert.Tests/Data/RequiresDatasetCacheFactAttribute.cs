using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

/// <summary>
/// A fact that runs only when the named cached datasets are present; otherwise it is skipped with a message that
/// says the cache is absent and how to fill it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresDatasetCacheFactAttribute : FactAttribute
{
    public RequiresDatasetCacheFactAttribute(params string[] datasetNames)
    {
        DatasetRegistry registry = TestData.Registry();
        foreach (string name in datasetNames)
        {
            DatasetAvailability availability = registry.Availability().Single(entry => entry.Name == name);
            if (!availability.IsAvailable)
            {
                Skip = $"The dataset cache is absent for '{name}': {availability.Detail}.";
                return;
            }
        }
    }
}
