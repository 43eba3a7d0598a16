using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// The generator on <see cref="GeneratorWorkload"/>: a first run of a fresh driver on all 200 methods, and a rerun of
/// that driver after one method's body was edited. Each invocation works on a new compilation (a clone, or the
/// edited one made from the first), so no symbol bound in an earlier invocation is reused.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private GeneratorWorkload _workload = null!;
    private Compilation _firstCompilation = null!;
    private GeneratorDriver _afterFirstRun = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workload = new GeneratorWorkload();
        _firstCompilation = _workload.Compilation.Clone();
        _afterFirstRun = GeneratorWorkload.CreateDriver().RunGenerators(_firstCompilation);
    }

    [Benchmark(Baseline = true, Description = "Generator first run (200 methods)")]
    public GeneratorDriver FirstRun() => GeneratorWorkload.CreateDriver().RunGenerators(_workload.Compilation.Clone());

    [Benchmark(Description = "Generator rerun after editing one method")]
    public GeneratorDriver RerunAfterEdit() => _afterFirstRun.RunGenerators(_workload.Edit(_firstCompilation));

    /// <summary>
    /// Not the generator: Roslyn alone binding the 200 attributed methods of a fresh compilation, which
    /// ForAttributeWithMetadataName plus any transform that reads the method body's IOperation must do on every run.
    /// </summary>
    [Benchmark(Description = "Roslyn only: bind the 200 method bodies")]
    public int BindBodiesOnly() => GeneratorWorkload.BindAttributedBodies(_workload.Edit(_firstCompilation));
}
