using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// One short job for every benchmark class (1 launch, 3 warm-up and 15 measured iterations) so that the suite
/// finishes in about a quarter of an hour on two cores (GemmBenchmarks, with its OpenBLAS and FMA-peak rows, about 8
/// minutes of it). The machine is shared, so read the Median column and the ratios
/// (measured side by side in one run) rather than absolute means.
/// </summary>
/// <remarks>
/// All classes share the job, so BenchmarkDotNet builds its host project once. It builds it, and this project, the
/// runtime and the generator, under its own ArtifactsPath in this project's bin/, so that build never writes to the
/// output folders of the projects themselves.
/// </remarks>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.ShortRun.WithIterationCount(15).WithId("Short"));
        AddColumn(StatisticColumn.Median);
    }
}
