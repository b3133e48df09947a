# fish completion for sockit(1).
# It asks the binary being completed for its tables (`sockit --list-commands`,
# `sockit COMMAND --list-options`) each time, so it cannot drift from the program.
# Lines of --list-options are tab-separated: short, long, argument, help, values.

# The sockit being completed (./sockit too), or plain `sockit`; fails when there is
# none to ask, and then Tab offers nothing and says nothing, as the bash completion.
function __sockit_bin
    set -l bin (commandline -opc)[1]
    if command -q -- $bin
        echo $bin
    else if command -q sockit
        echo sockit
    else
        return 1
    end
end

function __sockit_commands
    set -l bin (__sockit_bin); or return
    $bin --list-commands 2>/dev/null
    echo help
end

# Everything after the command word: its options, their values, files where a
# value is a file.
function __sockit_complete
    set -l bin (__sockit_bin); or return
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd $words[2]

    if test "$cmd" = help
        test (count $words) -eq 2; and $bin --list-commands 2>/dev/null
        return
    end
    contains -- -- $words[3..-1]; and return # operands only from here on

    set -l table ($bin $cmd --list-options 2>/dev/null)
    set -l option $words[-1]
    set -l prefix ''
    if string match -q -- '--*=*' $cur
        set option (string split -m 1 = -- $cur)[1]
        set prefix $option=
        set cur (string split -m 1 = -- $cur)[2]
    end

    # the value of the option before it, or in the same word after `=`
    for line in $table
        set -l f (string split \t -- $line)
        if test -n "$f[3]"; and contains -- $option $f[1] $f[2]
            if test -n "$f[5]"
                printf '%s\n' $prefix(string split ' ' -- $f[5])
            else if contains -- $f[2] --unix --quotes --output; or contains -- $f[3] FILE PATH DIR
                printf '%s\n' $prefix(__fish_complete_path $cur)
            else if contains -- $f[3] TARGET
                # --to: unix:PATH (a HOST:PORT has nothing to offer)
                if string match -q -- 'unix:*' $cur
                    printf '%s\n' $prefix'unix:'(__fish_complete_path (string sub -s 6 -- $cur))
                else
                    printf '%s\n' $prefix'unix:'
                end
            else if contains -- $f[3] PROG
                # -e: a program in PATH
                printf '%s\n' $prefix(complete -C -- $cur | string replace -r '\t.*' '')
            end
            return
        end
    end

    if string match -q -- '-*' $cur
        for line in $table
            set -l f (string split \t -- $line)
            test -n "$f[1]"; and not string match -q -- '--*' $cur; and printf '%s\t%s\n' $f[1] $f[4]
            test -n "$f[2]"; and printf '%s\t%s\n' $f[2] $f[4]
        end
    end
end

complete -c sockit -f
complete -c sockit -n '__fish_use_subcommand' -a '(__sockit_commands)' -d command
complete -c sockit -n '__fish_use_subcommand; and __sockit_bin >/dev/null' -l help -d 'usage and commands'
complete -c sockit -n '__fish_use_subcommand; and __sockit_bin >/dev/null' -l version -d 'print the version'
complete -c sockit -n 'not __fish_use_subcommand' -a '(__sockit_complete)'
