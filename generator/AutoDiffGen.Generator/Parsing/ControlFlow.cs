using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Reachability over the parsed body, to recognize a method whose end can be reached without a return (CS0161).</summary>
internal static class ControlFlow
{
    /// <summary>Whether running <paramref name="statements"/> can reach their end.</summary>
    public static bool CanCompleteNormally(IEnumerable<IrStmt> statements) => statements.All(CanCompleteNormally);

    private static bool CanCompleteNormally(IrStmt statement) => statement switch
    {
        Return or Break or Continue => false,
        If i => CanCompleteNormally(i.Then) || CanCompleteNormally(i.Else),
        // A loop ends when its condition fails or a break leaves it; "while (true)" without a break never ends, and a
        // do-while whose body always returns never tests its condition.
        Loop l => BreaksOut(l.Body) ||
            (l.Condition is not Literal { Value: 1 } && (l.TestFirst || CanCompleteNormally(l.Body) || ContinuesOut(l.Body))),
        _ => true,
    };

    /// <summary>Whether a break in <paramref name="body"/> leaves the loop that owns it (not one nested inside).</summary>
    private static bool BreaksOut(IEnumerable<IrStmt> body) => Jumps<Break>(body);

    /// <summary>Whether a continue in <paramref name="body"/> goes to the condition of the loop that owns it.</summary>
    private static bool ContinuesOut(IEnumerable<IrStmt> body) => Jumps<Continue>(body);

    private static bool Jumps<TJump>(IEnumerable<IrStmt> body)
        where TJump : IrStmt => body.Any(statement => statement switch
    {
        TJump => true,
        If i => Jumps<TJump>(i.Then) || Jumps<TJump>(i.Else),
        _ => false,
    });
}
