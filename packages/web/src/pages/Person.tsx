/** A person's page: portrait, facts, biography, and what they are in among the titles you may see. */
import type { PersonId } from "@mediaserver/domain"
import { call, imageUrl } from "../api.js"
import { personId } from "../ids.js"
import { useLoad } from "../load.js"
import { Poster } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

export const Person = (props: { readonly id: string }) => {
  const id = personId(props.id)
  return id === null ? <Failed message="No such person." /> : <PersonPage id={id} />
}

const life = (birthday: string | null, deathday: string | null, place: string | null) =>
  [birthday === null ? null : `Born ${birthday}${place === null ? "" : ` in ${place}`}`, deathday === null ? null : `Died ${deathday}`]
    .filter((x) => x !== null).join(" · ")

const PersonPage = (props: { readonly id: PersonId }) => {
  const [person, retry] = useLoad(() => call((api) => api.people.get({ path: { personId: props.id } })), [props.id])
  if (person.state === "loading") return <Status>Loading…</Status>
  if (person.state === "failed") return <Failed message={person.error.message} retry={retry} />
  const p = person.value
  const facts = life(p.birthday, p.deathday, p.placeOfBirth)
  return (
    <article class="person">
      <header class="person-head">
        {p.profilePath === null ? null : (
          <img class="portrait" src={imageUrl("profile", "w185", p.profilePath)} width={185} height={278} alt="" />
        )}
        <div>
          <h1>{p.name}</h1>
          {p.knownForDepartment === null ? null : <p class="person-facts">{p.knownForDepartment}</p>}
          {facts === "" ? null : <p class="person-facts">{facts}</p>}
          {p.biography === null || p.biography === "" ? null : <p class="overview">{p.biography}</p>}
        </div>
      </header>
      {p.movies.length === 0 ? null : (
        <section class="row" aria-label="Movies">
          <h2>Movies</h2>
          <div class="row-items" tabIndex={0} aria-label="Movies, scroll sideways">
            {p.movies.map(({ movie, role }) => <Poster href={`/movie/${movie.id}`} title={movie.title} subtitle={[movie.year, role].filter((x) => x !== null).join(" · ")} path={movie.posterPath} />)}
          </div>
        </section>
      )}
      {p.series.length === 0 ? null : (
        <section class="row" aria-label="Series">
          <h2>Series</h2>
          <div class="row-items" tabIndex={0} aria-label="Series, scroll sideways">
            {p.series.map(({ series, role }) => <Poster href={`/series/${series.id}`} title={series.title} subtitle={[series.year, role].filter((x) => x !== null).join(" · ")} path={series.posterPath} />)}
          </div>
        </section>
      )}
    </article>
  )
}
