# bash completion for vhostfix(1)                          -*- shell-script -*-
#
# Options, their values, the commands and the rule ids (--rule, --ignore)
# come from 'vhostfix --help', so they never drift from the program.  Virtual host names come from
# 'vhostfix list --format json' and backup set ids from 'vhostfix rollback
# --list', on the tree the command line names (--root, --config, --demo).
# Needs nothing from the bash-completion package.

# Print the lines of 'vhostfix --help' between a heading and a blank line.
_vhostfix_help_section()
{
	"$1" --help 2>/dev/null | sed -n "/^$2:\$/,/^\$/p"
}

# The words of the command line that select the tree or the backups, so
# that names are read from the same place the command will use.
_vhostfix_tree_args()
{
	local i w
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		((i == COMP_CWORD)) && continue
		w=${COMP_WORDS[i]}
		case $w in
		--root | --config | --backup-dir)
			# The value may be split off at '=' by COMP_WORDBREAKS.
			if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
				((i + 2 == COMP_CWORD)) && continue
				printf '%s\n' "$w" "${COMP_WORDS[i + 2]-}"
				((i += 2))
			elif ((i + 1 != COMP_CWORD)); then
				printf '%s\n' "$w" "${COMP_WORDS[i + 1]-}"
				((i++))
			fi
			;;
		--root=* | --config=* | --backup-dir=*)
			printf '%s\n' "$w"
			;;
		--demo)
			printf '%s\n' "$w"
			;;
		esac
	done
}

# ServerNames and ServerAliases of the tree, one a line.
_vhostfix_vhosts()
{
	local -a args keep
	local IFS=$'\n' i
	args=($(_vhostfix_tree_args))
	# list takes no --backup-dir (a usage error): leave it out.
	for ((i = 0; i < ${#args[@]}; i++)); do
		case ${args[i]} in
		--backup-dir) ((i++)) ;;
		--backup-dir=*) ;;
		*) keep+=("${args[i]}") ;;
		esac
	done
	"$1" "${keep[@]}" list --format json 2>/dev/null |
	    grep -o -e '"server_name":"[^"]*"' -e '"aliases":\[[^]]*\]' |
	    sed -e 's/^"server_name"://' -e 's/^"aliases":\[//' \
		-e 's/\]$//' | tr ',' '\n' | sed -n 's/^"\(.*\)"$/\1/p' |
	    sort -u
}

# Backup set ids, newest last, one a line.
_vhostfix_backup_ids()
{
	local -a args
	local IFS=$'\n'
	args=($(_vhostfix_tree_args))
	"$1" "${args[@]}" rollback --list 2>/dev/null | awk '{ print $1 }'
}

_vhostfix()
{
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]-}
	local prev= opt= i w cmd= help argof
	local IFS=$'\n'

	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# An installed completion may run before the program is on PATH.
	type -P "$prog" >/dev/null 2>&1 || [[ -x $prog ]] || prog=vhostfix

	# "--name ARG help" lines; ARG is upper case or words joined by |.
	help=$(_vhostfix_help_section "$prog" options |
	    awk '/^  --/ {
		arg = ($2 ~ /^[A-Z]+$/ || $2 ~ /\|/) ? $2 : ""
		print $1 " " arg
	    }')

	# The option whose value is being completed, if any: "--opt VAL",
	# "--opt=VAL" (one word, or three when '=' breaks words).
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
	elif [[ $cur == = && $prev == --* ]]; then
		opt=$prev
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $prev == --* ]]; then
		argof=$(printf '%s\n' "$help" | awk -v o="$prev" \
		    '$1 == o { print $2 }')
		[[ -n $argof ]] && opt=$prev
	fi
	if [[ -n $opt ]]; then
		argof=$(printf '%s\n' "$help" | awk -v o="$opt" \
		    '$1 == o { print $2 }')
		case $argof in
		'')
			return 0
			;;
		*'|'*)
			COMPREPLY=($(compgen -W "${argof//|/$'\n'}" -- "$cur"))
			;;
		DIR)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur"))
			;;
		RULE)
			COMPREPLY=($(compgen -W "$(_vhostfix_help_section \
			    "$prog" rules | awk '/^  [a-z]/ { print $1 }')" \
			    -- "$cur"))
			;;
		SECONDS)
			;;
		CMD)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -c -- "$cur"))
			;;
		*)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			;;
		esac
		return 0
	fi

	# The command: the first word that is neither an option nor an
	# option's value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--*=* | =) ;;
		--*)
			argof=$(printf '%s\n' "$help" | awk -v o="$w" \
			    '$1 == o { print $2 }')
			if [[ -n $argof ]]; then
				[[ ${COMP_WORDS[i + 1]-} == = ]] && ((i++))
				((i++))
			fi
			;;
		*)
			cmd=$w
			break
			;;
		esac
	done

	if [[ $cur == -* ]]; then
		local -a opts
		opts=($(printf '%s\n' "$help" | awk '{ print $1 }'))
		COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
		return 0
	fi

	case $cmd in
	'')
		COMPREPLY=($(compgen -W "$(_vhostfix_help_section "$prog" \
		    commands | awk '/^  [a-z]/ { print $1 }')" -- "$cur"))
		;;
	check | fix | probe | verify)
		COMPREPLY=($(compgen -W "$(_vhostfix_vhosts "$prog")" \
		    -- "$cur"))
		;;
	rollback)
		COMPREPLY=($(compgen -W "$(_vhostfix_backup_ids "$prog")" \
		    -- "$cur"))
		;;
	esac
	return 0
}
complete -F _vhostfix vhostfix
