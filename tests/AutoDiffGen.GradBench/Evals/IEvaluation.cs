using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// One function of one eval, bound to an input that has already been read and flattened, so that <see cref="Run"/>
/// does nothing but compute.
/// </summary>
internal interface IEvaluation
{
    /// <summary>Computes the function once; this is the part that GradBench times.</summary>
    void Run();

    /// <summary>Writes the result of the last <see cref="Run"/> in GradBench's JSON shape for this function.</summary>
    void WriteOutput(Utf8JsonWriter writer);
}
