import { useLocation } from "../router.js"

export const AdminNav = () => {
  const { path } = useLocation()
  const links = [["/admin/libraries", "Libraries"], ["/admin/users", "Users"], ["/admin/roles", "Roles"], ["/admin/jobs", "Jobs"], ["/admin/sign-in", "Sign-in"], ["/admin/integrations", "Radarr/Sonarr"], ["/admin/notifications", "Notifications"], ["/admin/statistics", "Statistics"], ["/admin/settings", "Settings"]] as const
  return (
    <nav aria-label="Administration" class="tabs">
      {links.map(([href, label]) => <a href={href} aria-current={path === href ? "page" : undefined}>{label}</a>)}
    </nav>
  )
}
